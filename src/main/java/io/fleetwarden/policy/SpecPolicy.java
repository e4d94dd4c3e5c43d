package io.fleetwarden.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * Flux verifies at pull time with whatever {@code spec.verify} the object carries, so an object whose
 * verification is missing, switched to another provider, or looser than the platform's policy would let
 * source-controller accept what the gate rejected (a moved tag, a later pull). This check holds the
 * object's own {@code spec.verify} to the policies that cover it.
 *
 * <p>Looseness is tested the way Flux matches (RE2, unanchored) against {@link SampleSigners}: a spec is
 * too loose when it accepts a sample that every covering keyless authority rejects.
 */
public final class SpecPolicy {

    private SpecPolicy() {
    }

    public static List<FieldViolation> check(FluxVerifySpec spec, List<CompiledPolicy> covering) {
        List<FieldViolation> out = new ArrayList<>();
        if (spec.provider() == null) {
            out.add(new FieldViolation("spec.verify", "is required: the platform's policy "
                    + names(covering) + " requires cosign verification (provider: cosign with matchOIDCIdentity)"));
            return out;
        }
        if (!"cosign".equals(spec.provider())) {
            out.add(new FieldViolation("spec.verify.provider", "must be cosign, got \"" + spec.provider() + "\""));
            return out;
        }
        List<KeylessAuthority> keyless = covering.stream().flatMap(p -> p.authorities().stream())
                .filter(KeylessAuthority.class::isInstance).map(KeylessAuthority.class::cast).toList();
        if (spec.keyRef() != null) {
            // Key-based verification in the object is as strict as its key; whether that key is the
            // policy's is decided by the signature check itself, which the gate runs anyway.
            return out;
        }
        if (spec.identities().isEmpty()) {
            out.add(new FieldViolation("spec.verify.matchOIDCIdentity", "must list at least one identity: without it "
                    + "Flux accepts any keyless signer"));
            return out;
        }
        for (KeylessAuthority a : keyless) {
            for (SignerIdentity sample : SampleSigners.around(a, spec)) {
                boolean policyRejects = keyless.stream()
                        .allMatch(k -> !identityMismatches(k, sample).isEmpty());
                if (policyRejects && spec.accepts(sample.issuer(), sample.subject())) {
                    out.add(new FieldViolation("spec.verify.matchOIDCIdentity", "accepts signer issuer=\""
                            + sample.issuer() + "\" subject=\"" + sample.subject() + "\", which policy " + names(covering)
                            + " rejects; write anchored patterns (^...$) no looser than the policy's subject "
                            + (a.subject() == null ? "(repository " + a.sourceRepository() + ")" : a.subject().describe())));
                    return out;
                }
            }
        }
        return out;
    }

    /** Mismatches on what Flux can see: issuer and subject, and the repository, workflow and ref the subject implies. */
    private static List<ClaimMismatch> identityMismatches(KeylessAuthority a, SignerIdentity s) {
        return a.mismatches(s, null, "").stream().filter(m -> m.claim() == Claim.ISSUER || m.claim() == Claim.SUBJECT
                || m.claim() == Claim.SOURCE_REPOSITORY || m.claim() == Claim.WORKFLOW || m.claim() == Claim.SOURCE_REF)
                .toList();
    }

    private static String names(List<CompiledPolicy> policies) {
        return String.join(", ", policies.stream().map(CompiledPolicy::name).toList());
    }
}
