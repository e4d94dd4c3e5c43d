package io.fleetwarden.verify.cosign;

/**
 * A trusted root that cannot be used: unreadable, too large, malformed, or missing a field we require. The
 * message names the root and the field, e.g. {@code trusted root "corp": tlogs[0].publicKey.validFor.start is
 * missing}.
 */
public final class TrustedRootException extends IllegalArgumentException {

    public TrustedRootException(String message) {
        super(message);
    }

    public TrustedRootException(String message, Throwable cause) {
        super(message, cause);
    }
}
