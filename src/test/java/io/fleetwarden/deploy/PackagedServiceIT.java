package io.fleetwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.admission.WebhookPaths;
import io.fleetwarden.testing.AdmissionReviews;
import io.fleetwarden.testing.WebhookClient;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged application (target/quarkus-app, or the native executable with -Dnative) started as its own
 * process in the prod profile, as the container runs it: HTTPS only, with the GLOBAL test resources' TLS
 * files, mock API server and local trusted root passed as system properties.
 */
@QuarkusIntegrationTest
class PackagedServiceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final WebhookClient client = WebhookClient.trustingFixture();

    @BeforeEach
    void ready() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> client.get("/q/health/ready").statusCode() == 200);
    }

    @Test
    void readinessReportsTheLoadedGate() throws Exception {
        JsonNode health = JSON.readTree(client.get("/q/health/ready").body());

        assertThat(health.path("status").asText()).isEqualTo("UP");
        JsonNode gate = health.path("checks").findParents("name").stream()
                .filter(c -> c.path("name").asText().equals("fleetwarden-gate")).findFirst().orElseThrow();
        assertThat(gate.at("/data/policiesLoaded").asBoolean()).isTrue();
        assertThat(gate.at("/data/namespacesLoaded").asBoolean()).isTrue();
        assertThat(client.get("/q/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void judgesAnAdmissionReviewOverHttps() throws Exception {
        String policy = """
                {"apiVersion":"fleetwarden.io/v1alpha1","kind":"ArtifactPolicy","metadata":{"name":"broken"},
                 "spec":{"sources":["oci://ghcr.io/acme/*"],"authorities":[]}}""";
        String review = AdmissionReviews.create("fleetwarden.io/v1alpha1", "ArtifactPolicy").resource("artifactpolicies")
                .name("broken").object(policy).json();

        var response = client.postJson(WebhookPaths.VALIDATE_POLICY, review);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(response.body()).path("response");
        assertThat(answer.path("allowed").asBoolean()).isFalse();
        assertThat(answer.at("/status/message").asText()).startsWith("fleetwarden: ").contains("spec.");
    }

    @Test
    void countsReviewsInThePrometheusMetrics() {
        String review = AdmissionReviews.create("fleetwarden.io/v1alpha1", "ArtifactPolicy").resource("artifactpolicies")
                .name("x").object("{\"apiVersion\":\"fleetwarden.io/v1alpha1\",\"kind\":\"ArtifactPolicy\"}").json();
        client.postJson(WebhookPaths.VALIDATE_POLICY, review);

        String metrics = client.get("/q/metrics").body();

        // Prometheus orders the labels by name: cache (hit/miss/none) comes before outcome.
        assertThat(metrics).containsPattern("fleetwarden_admission_requests_total\\{cache=\"none\",outcome=\"denied\","
                        + "path=\"/validate/policy\",reason=\"Invalid\"} [1-9]")
                .contains("# TYPE fleetwarden_admission_duration_seconds histogram")
                .contains("jvm_memory_used_bytes");
    }
}
