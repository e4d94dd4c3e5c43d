package io.fleetwarden.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.kube.DenialEvents;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which Events a denied review asks for: the object only when it exists, and every policy that denied it. */
class AdmissionEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final AdmissionEvents events = new AdmissionEvents(null,
            p -> p.name().equals("known") ? Optional.of("policy-uid") : Optional.empty());

    private static AdmissionInput input(String operation, String uid) throws Exception {
        JsonNode object = JSON.readTree("{\"metadata\":{\"name\":\"app\",\"namespace\":\"fleet\",\"uid\":\"" + uid + "\"}}");
        return new AdmissionInput("req-1", operation, "source.toolkit.fluxcd.io", "v1", "OCIRepository", null, "fleet",
                "app", object, "UPDATE".equals(operation) ? object : null, "someone", Set.of(), true);
    }

    private static AdmissionDecision denied() {
        return AdmissionDecision.deny("PolicyDenied", "fleetwarden: no").deniedBy(List.of(
                new AdmissionDecision.PolicyRef("ArtifactPolicy", "known"),
                new AdmissionDecision.PolicyRef("ArtifactPolicy", "gone")));
    }

    @Test
    void anUpdateIsAboutTheObjectAndItsPolicies() throws Exception {
        DenialEvents.Denial d = events.denial(input("UPDATE", "obj-uid"), denied());

        assertThat(d.object()).isEqualTo(new DenialEvents.ObjectRef("source.toolkit.fluxcd.io/v1", "OCIRepository",
                "fleet", "app", "obj-uid"));
        assertThat(d.policies()).containsExactly(
                new DenialEvents.ObjectRef("fleetwarden.io/v1alpha1", "ArtifactPolicy", "", "known", "policy-uid"),
                new DenialEvents.ObjectRef("fleetwarden.io/v1alpha1", "ArtifactPolicy", "", "gone", ""));
        assertThat(d.subject()).isEqualTo("OCIRepository fleet/app (UPDATE)");
        assertThat(d.reason()).isEqualTo("PolicyDenied");
        assertThat(d.message()).isEqualTo("fleetwarden: no");
    }

    @Test
    void aCreatesObjectDoesNotExistYetSoOnlyThePoliciesGetEvents() throws Exception {
        DenialEvents.Denial d = events.denial(input("CREATE", ""), denied());

        assertThat(d.object()).isNull();
        assertThat(d.policies()).hasSize(2);
        assertThat(d.subject()).isEqualTo("OCIRepository fleet/app (CREATE)");
    }

    @Test
    void onlyAPolicysRefusalIsRecordedNeverAnOutageAnErrorOrAnAdmission() throws Exception {
        assertThat(AdmissionEvents.isPolicyRefusal(denied())).isTrue();
        assertThat(AdmissionEvents.isPolicyRefusal(AdmissionDecision.deny("TenancyViolation", "no"))).isTrue();
        assertThat(AdmissionEvents.isPolicyRefusal(AdmissionDecision.unavailable("registry down"))).isFalse();
        assertThat(AdmissionEvents.isPolicyRefusal(AdmissionResponses.internalError("req-1"))).isFalse();
        assertThat(AdmissionEvents.isPolicyRefusal(AdmissionDecision.allow("Verified", "ok", List.of()))).isFalse();
        // Without a writer (tests of the edge), a denial is answered and nothing else happens.
        AdmissionEvents.none().reviewed(input("UPDATE", "u"), denied());
    }
}
