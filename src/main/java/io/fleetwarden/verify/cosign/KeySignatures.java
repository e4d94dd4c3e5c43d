package io.fleetwarden.verify.cosign;

import dev.sigstore.encryption.signers.Verifiers;
import java.security.GeneralSecurityException;
import java.security.PublicKey;

/** Signature checks with a known key; a signature that cannot even be processed is simply not valid. */
final class KeySignatures {

    private KeySignatures() {
    }

    /** Verifies {@code signature} over {@code content} (hashed with the key's algorithm, SHA-256 for P-256). */
    static boolean verifies(PublicKey key, byte[] content, byte[] signature) {
        try {
            return Verifiers.newVerifier(key).verify(content, signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Verifies {@code signature} over an already computed digest (Sigstore message signatures). */
    static boolean verifiesDigest(PublicKey key, byte[] digest, byte[] signature) {
        try {
            return Verifiers.newVerifier(key).verifyDigest(digest, signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
