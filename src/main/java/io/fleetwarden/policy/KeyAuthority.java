package io.fleetwarden.policy;

import java.security.PublicKey;
import java.util.List;

/**
 * A cosign key pair: the signature must verify with this public key (checked cryptographically by the
 * verifier); the signer identity is then the key's fingerprint, which must be this key's.
 *
 * @param keyId       {@code sha256:<hex>} of the key's SubjectPublicKeyInfo
 * @param requireTlog whether log evidence (a Rekor entry) is required; cosign key-based signing uploads
 *                    to Rekor by default, but private setups often sign offline
 */
public record KeyAuthority(String name, PublicKey publicKey, String keyId, String trustedRoot, boolean requireTlog,
        String predicateType) implements Authority {

    @Override
    public List<ClaimMismatch> mismatches(SignerIdentity signer, String tag, String component) {
        if (keyId.equals(signer.keyId())) {
            return List.of();
        }
        return List.of(ClaimMismatch.of(Claim.KEY, "signing key", signer.keyId(), keyId));
    }
}
