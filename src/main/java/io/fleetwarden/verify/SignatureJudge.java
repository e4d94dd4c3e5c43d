package io.fleetwarden.verify;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.policy.Authority;
import io.fleetwarden.policy.ClaimMismatch;
import io.fleetwarden.policy.KeyAuthority;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Holds discovered signatures to authorities: the first (signature, authority) pair that passes both the
 * cryptographic checks and the identity policy verifies the artifact; otherwise every failure of every
 * pair is returned. The cryptographic verdict depends only on the trust anchor, so it is computed once per
 * (signature, anchor) however many authorities share that anchor.
 */
final class SignatureJudge {

    private final SignatureVerifier signatures;

    SignatureJudge(SignatureVerifier signatures) {
        this.signatures = signatures;
    }

    VerificationResult judge(OciReference ref, Digest digest, List<DiscoveredSignature> found, List<Authority> authorities) {
        String component = ref.repository().substring(ref.repository().lastIndexOf('/') + 1);
        List<CheckFailure> failures = new ArrayList<>();
        for (DiscoveredSignature sig : found) {
            Map<TrustAnchor, SignatureVerdict> verdicts = new HashMap<>();
            Set<TrustAnchor> reported = new LinkedHashSet<>();
            for (Authority authority : authorities) {
                TrustAnchor anchor = anchorOf(authority);
                SignatureVerdict verdict = verdicts.computeIfAbsent(anchor, a -> verify(sig, digest, a));
                if (verdict instanceof SignatureVerdict.Invalid invalid) {
                    if (reported.add(anchor)) {
                        failures.addAll(invalid.failures());
                    }
                    continue;
                }
                SignatureVerdict.Valid valid = (SignatureVerdict.Valid) verdict;
                List<CheckFailure> mismatches = mismatches(sig, valid, authority, ref.tag(), component);
                if (mismatches.isEmpty()) {
                    Set<Evidence> evidence = new LinkedHashSet<>(valid.evidence());
                    evidence.add(sig.source());
                    return new VerificationResult.Verified(digest, valid.signer(), authority.name(), sig.label(), evidence);
                }
                failures.addAll(mismatches);
            }
        }
        return new VerificationResult.NotVerified(digest, failures);
    }

    private SignatureVerdict verify(DiscoveredSignature sig, Digest digest, TrustAnchor anchor) {
        if (sig instanceof DiscoveredSignature.Legacy legacy) {
            return signatures.verifyLegacy(legacy.signature(), digest, anchor);
        }
        DiscoveredSignature.Bundle bundle = (DiscoveredSignature.Bundle) sig;
        return signatures.verifyBundle(bundle.label(), bundle.json(), digest, anchor);
    }

    private static List<CheckFailure> mismatches(DiscoveredSignature sig, SignatureVerdict.Valid valid,
            Authority authority, String tag, String component) {
        String where = sig.label() + ", authority " + authority.name();
        List<CheckFailure> out = new ArrayList<>();
        // Legacy simple-signing payloads and message signatures have no predicate; a DSSE bundle must carry
        // the one the authority names, or any attestation (an SBOM, a scan) by the same identity would
        // pass as a signature.
        if (valid.predicateType() != null && !valid.predicateType().equals(authority.predicateType())) {
            out.add(new CheckFailure(Check.PREDICATE_TYPE, where, "predicate type is \"" + valid.predicateType()
                    + "\", policy requires \"" + authority.predicateType() + "\""));
        }
        for (ClaimMismatch m : authority.mismatches(valid.signer(), tag, component)) {
            out.add(new CheckFailure(Check.valueOf(m.claim().name()), where, m.message()));
        }
        return out;
    }

    static TrustAnchor anchorOf(Authority authority) {
        if (authority instanceof KeyAuthority key) {
            return TrustAnchor.key(key.publicKey(), key.trustedRoot(), key.requireTlog());
        }
        return TrustAnchor.keyless(authority.trustedRoot());
    }
}
