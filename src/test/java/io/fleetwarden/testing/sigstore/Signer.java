package io.fleetwarden.testing.sigstore;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The key that signs one artifact and what vouches for it: a fresh Fulcio leaf with its chain (keyless), or
 * nothing but the key itself (key signing: {@code leaf} null, {@code chain} empty).
 */
record Signer(KeyPair key, X509Certificate leaf, List<X509Certificate> chain) {

    Signer {
        chain = List.copyOf(chain);
    }

    boolean keyless() {
        return leaf != null;
    }

    /** What Rekor records as the verifier: the leaf certificate PEM, or the public key PEM. */
    String verifierPem() {
        return keyless() ? Crypto.pem(leaf) : Crypto.pem(key.getPublic());
    }
}
