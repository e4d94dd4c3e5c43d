package io.fleetwarden.sops;

/**
 * A SOPS document that cannot be decrypted. The message names the step and, for a value, its path; it never holds
 * a key, a decrypted value or a ciphertext (SOPS's own message for a malformed value quotes the value, and Flux
 * redacts it; here it is never written).
 */
public final class SopsException extends Exception {

    public SopsException(String message) {
        super(message);
    }
}
