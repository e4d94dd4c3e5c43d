package io.fleetwarden.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.testing.LocalSigstoreResource;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.WebhookClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's admission scenario against the test's Quarkus: every step must end as narrated. */
@QuarkusTest
class DemoWebhookTest {

    @Inject
    KubernetesClient kube;

    @Test
    void everyAdmissionStepEndsAsNarrated() throws Exception {
        Path dir = Files.createTempDirectory("demo-webhook");
        List<String> said = new ArrayList<>();
        try (SignedArtifacts artifacts = new SignedArtifacts(TestRegistry.shared(), LocalSigstoreResource.sigstore())) {
            DemoFleet fleet = new DemoFleet(artifacts, dir);
            int failed = WebhookScenario.run(WebhookClient.trustingFixture(), kube, fleet, said::add);
            String transcript = String.join("\n", said);
            assertThat(failed).as(transcript).isZero();
            assertThat(transcript).contains("denied (403 PolicyDenied", "WORKFLOW", "allowed (200 Verified",
                    "denied (403 TenancyViolation", "spec.sourceRef.namespace");
        }
    }
}
