package io.fleetwarden.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.policy.CompiledPolicy;
import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.CheckFailure;
import io.fleetwarden.verify.VerificationResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An artifact a Warn policy does not accept is admitted, and the decision says so: never "verified by" nobody. */
class VerdictsTest {

    static final Digest DIGEST = Digest.sha256Of("artifact".getBytes(StandardCharsets.UTF_8));
    static final OciReference REF = OciReference.parse("oci://ghcr.io/acme/apps/frontend:latest").withDigest(DIGEST);
    static final String SUBJECT = "oci://" + REF;
    static final VerificationResult UNSIGNED = new VerificationResult.NotVerified(DIGEST,
            List.of(new CheckFailure(Check.SIGNATURE_PRESENT, "artifact", "no cosign signature found")));

    static CompiledPolicy policy(String name, CompiledPolicy.Mode mode) {
        return new CompiledPolicy(name, mode, List.of("oci://ghcr.io/acme/*"), null, List.of());
    }

    static GateDecision combine(Map<String, VerificationResult> results, CompiledPolicy... policies) {
        return Verdicts.combine(REF, List.of(policies), List.of(), p -> results.get(p.name()), () -> "miss");
    }

    @Test
    void anUnsignedArtifactUnderAWarnPolicySaysItIsNotVerifiedAndWhy() {
        GateDecision d = combine(Map.of("apps", UNSIGNED), policy("apps", CompiledPolicy.Mode.WARN));
        assertThat(d).isInstanceOfSatisfying(GateDecision.Allowed.class, a -> {
            assertThat(a.reason()).isEqualTo("AllowedWithWarnings");
            assertThat(a.message()).isEqualTo(SUBJECT + " is not verified as policy apps requires: admitted because it "
                    + "is in mode Warn, which warns instead of denying");
            assertThat(a.warnings()).containsExactly("Warn: " + SUBJECT + " is not signed as policy apps requires: "
                    + "SIGNATURE_PRESENT [artifact]: no cosign signature found");
        });
        GateDecision enforced = combine(Map.of("apps", UNSIGNED), policy("apps", CompiledPolicy.Mode.ENFORCE));
        assertThat(enforced.message()).as("the reasons are those an Enforce policy denies with")
                .isEqualTo(SUBJECT + " is not signed as policy apps requires: SIGNATURE_PRESENT [artifact]: no cosign "
                        + "signature found");
    }

    @Test
    void aWarnPolicyNotSatisfiedBesideOneThatVerifiedIsNamed() {
        VerificationResult verified = new VerificationResult.Verified(DIGEST, null, "push", "bundle sha256:1", java.util.Set.of());
        VerificationResult down = new VerificationResult.Unavailable(DIGEST, "connection refused");
        GateDecision d = combine(Map.of("apps", verified, "audit", UNSIGNED, "extra", down),
                policy("apps", CompiledPolicy.Mode.ENFORCE), policy("audit", CompiledPolicy.Mode.WARN),
                policy("extra", CompiledPolicy.Mode.WARN));
        assertThat(d.message()).isEqualTo(SUBJECT + " verified by apps (authority push, bundle sha256:1), but not as "
                + "policies audit, extra require: admitted because they are in mode Warn, which warns instead of denying");
        assertThat(((GateDecision.Allowed) d).warnings()).containsExactly(
                "Warn: " + SUBJECT + " is not signed as policy audit requires: SIGNATURE_PRESENT [artifact]: no cosign "
                        + "signature found",
                "Warn: could not verify " + SUBJECT + " for policy extra: connection refused");
        assertThat(combine(Map.of("apps", verified), policy("apps", CompiledPolicy.Mode.ENFORCE)).message())
                .isEqualTo(SUBJECT + " verified by apps (authority push, bundle sha256:1)");
    }
}
