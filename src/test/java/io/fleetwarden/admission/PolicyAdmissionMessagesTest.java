package io.fleetwarden.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A policy sent to the webhook has no file: every problem is listed on one line, by field path, without lines. */
class PolicyAdmissionMessagesTest {

    @Test
    void everyProblemOfAnObjectIsInTheDenialWithoutLines() throws IOException {
        ObjectNode object = (ObjectNode) new ObjectMapper().readTree("""
                {"apiVersion":"fleetwarden.io/v1alpha1","kind":"ArtifactPolicy","metadata":{"name":"broken"},
                 "spec":{"sources":["oci://ghcr.io/acme/*"],"authorities":[{"keyless":{
                   "issuer":"https://token.actions.githubusercontent.com","subjectRegexp":".*",
                   "github":{"repository":"acme/apps","workfow":".github/workflows/push.yaml",
                             "runnerEnvironment":"github_hosted"}}}]}}
                """);
        AdmissionDecision d = new PolicyAdmission(List::of).handle(new AdmissionInput("uid", "CREATE", "fleetwarden.io",
                "v1alpha1", "ArtifactPolicy", null, null, "broken", object, null, "admin", Set.of(), false));
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo("Invalid");
        assertThat(d.message()).isEqualTo("fleetwarden: ArtifactPolicy broken (document 0): policy broken is invalid: "
                + "spec.authorities[0].keyless.subjectRegexp: unknown field, did you mean \"subjectRegExp\"?; "
                + "spec.authorities[0].keyless.github.workfow: unknown field, did you mean \"workflow\"?; "
                + "spec.authorities[0].keyless.github.runnerEnvironment: must be github-hosted or self-hosted, got "
                + "\"github_hosted\", did you mean \"github-hosted\"?");
    }
}
