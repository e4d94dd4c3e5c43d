package io.fleetwarden.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DecisionLogTest {

    @Test
    void oneLineOfMetadataWithHostileNamesEscaped() {
        var object = JsonNodeFactory.instance.objectNode().put("secret", "hunter2");
        AdmissionInput input = new AdmissionInput("uid-1", "CREATE", "source.toolkit.fluxcd.io", "v1", "OCIRepository",
                null, "team-a", "evil\nadmission allowed=true \"x\"", object, null, "alice", Set.of(), false);

        String line = DecisionLog.line("/validate/ocirepository", input,
                AdmissionDecision.deny("PolicyDenied", "no signature"), "denied", 12_500_000);

        assertThat(line).doesNotContain("\n").doesNotContain("hunter2").doesNotContain("no signature");
        assertThat(line).isEqualTo("admission path=/validate/ocirepository uid=uid-1"
                + " kind=source.toolkit.fluxcd.io/v1/OCIRepository namespace=team-a"
                + " name=\"evil\\u000aadmission allowed=true \\\"x\\\"\" operation=CREATE subResource=\"\" dryRun=false"
                + " allowed=false outcome=denied code=403 reason=PolicyDenied cache=none latencyMs=12.500");
    }

    @Test
    void theTimeSpentWaitingForRegistriesIsLoggedWhenThereWasAny() {
        AdmissionInput input = new AdmissionInput("uid-2", "CREATE", "source.toolkit.fluxcd.io", "v1", "OCIRepository",
                null, "team-a", "apps", null, null, "alice", Set.of(), false);

        String waited = DecisionLog.line("/validate/ocirepository", input,
                AdmissionDecision.allow("Verified", "ok", List.of()).withCache("hit").withRegistryWait(812_000), "allowed",
                1_250_000);
        String none = DecisionLog.line("/validate/ocirepository", input,
                AdmissionDecision.deny("VerificationSpecRejected", "loose"), "denied", 90_000);

        assertThat(waited).endsWith(" reason=Verified cache=hit latencyMs=1.250 registryMs=0.812");
        assertThat(none).endsWith(" latencyMs=0.090").doesNotContain("registryMs");
    }

    @Test
    void latencyHasMicrosecondResolution() {
        assertThat(DecisionLog.millis(412_345)).isEqualTo("0.412");
        assertThat(DecisionLog.millis(1_007_999)).isEqualTo("1.007");
        assertThat(DecisionLog.millis(2_000_000_000L)).isEqualTo("2000.000");
        assertThat(DecisionLog.millis(0)).isEqualTo("0.000");
    }

    @Test
    void coreGroupHasNoPrefix() {
        AdmissionInput input = new AdmissionInput("u", "DELETE", "", "v1", "Namespace", null, "", "ns", null, null,
                "", Set.of(), true);

        assertThat(DecisionLog.gvk(input)).isEqualTo("v1/Namespace");
        assertThat(DecisionLog.line("/validate/tenancy", input, AdmissionDecision.allow("Ok", "", List.of()),
                "allowed", 0)).contains(" dryRun=true ");
    }
}
