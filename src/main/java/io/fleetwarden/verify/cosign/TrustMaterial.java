package io.fleetwarden.verify.cosign;

import dev.sigstore.trustroot.SigstoreTrustedRoot;
import java.security.PublicKey;

/**
 * What a signature is verified against: the Sigstore trusted root (Fulcio CAs, Rekor logs, CT logs, TSAs)
 * and, for key-based cosign signatures, the public key the policy names. With a key, the certificate
 * path is not used; log evidence, if present, is still checked against the trusted root's logs.
 */
public record TrustMaterial(SigstoreTrustedRoot trustedRoot, PublicKey publicKey) {

    public static TrustMaterial keyless(SigstoreTrustedRoot trustedRoot) {
        return new TrustMaterial(trustedRoot, null);
    }

    public static TrustMaterial key(PublicKey key, SigstoreTrustedRoot trustedRoot) {
        return new TrustMaterial(trustedRoot, key);
    }

    public boolean isKeyBased() {
        return publicKey != null;
    }
}
