package io.fleetwarden.oci;

/**
 * A registry call that did not produce what was asked. The kind decides what the caller does:
 * {@link Kind#NOT_FOUND} is an answer (no such tag, no signature); every other kind means we could not
 * find out, and a gate must fail closed with an infrastructure reason, never a policy reason.
 */
public final class RegistryException extends Exception {

    public enum Kind {
        /** The registry answered 404 for a manifest, tag, blob or repository. */
        NOT_FOUND,
        /** 401/403 after authenticating with what we were given (or anonymously). */
        UNAUTHORIZED,
        /** Connection refused, DNS, TLS, 5xx, 429. */
        UNAVAILABLE,
        /** The deadline ran out. */
        TIMEOUT,
        /** A body over its size limit. */
        TOO_LARGE,
        /** Content that does not match its digest, or does not parse as what the registry said it is. */
        INVALID_RESPONSE
    }

    private final Kind kind;

    public RegistryException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RegistryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isNotFound() {
        return kind == Kind.NOT_FOUND;
    }
}
