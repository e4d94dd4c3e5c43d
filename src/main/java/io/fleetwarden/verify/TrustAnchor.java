package io.fleetwarden.verify;

import java.security.PublicKey;

/**
 * What one authority trusts. Keyless: a named Sigstore trusted root (Fulcio CAs, Rekor logs, CT logs,
 * TSAs), which the adapter resolves from the roots it has loaded. Key-based: a cosign public key; the
 * certificate path is not used, and log evidence, where present, is still checked against the named
 * root's Rekor logs.
 *
 * @param trustedRoot name of a loaded trusted root ({@value #PUBLIC_GOOD} is embedded)
 * @param publicKey   null for keyless
 * @param requireTlog whether a key-based signature must carry log evidence (keyless always must)
 */
public record TrustAnchor(String trustedRoot, PublicKey publicKey, boolean requireTlog) {

    public static final String PUBLIC_GOOD = "public-good";

    public static TrustAnchor keyless(String trustedRoot) {
        return new TrustAnchor(trustedRoot, null, true);
    }

    public static TrustAnchor key(PublicKey key, String trustedRoot, boolean requireTlog) {
        return new TrustAnchor(trustedRoot, key, requireTlog);
    }

    public boolean isKeyBased() {
        return publicKey != null;
    }
}
