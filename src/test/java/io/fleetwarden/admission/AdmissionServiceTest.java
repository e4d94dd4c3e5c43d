package io.fleetwarden.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.admission.AdmissionConfig;
import io.fleetwarden.testing.AdmissionReviews;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The edge's fail-closed rules, without HTTP: missing handlers and handlers that break their contract. */
class AdmissionServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AdmissionConfig CONFIG = new AdmissionConfig() {
        public int maxBodyBytes() {
            return 3 * 1024 * 1024;
        }

        public int maxMessageChars() {
            return 4096;
        }

        public int maxWarnings() {
            return 16;
        }
    };

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void productionPathWithoutHandlerIsDenied() throws Exception {
        AdmissionService service = service(Map.of());

        JsonNode response = review(service, WebhookPaths.VALIDATE_OCIREPOSITORY);

        assertThat(response.get("allowed").asBoolean()).isFalse();
        assertThat(response.at("/status/code").asInt()).isEqualTo(500);
        assertThat(response.at("/status/reason").asText()).isEqualTo("NoHandler");
        assertThat(response.at("/status/message").asText())
                .isEqualTo("fleetwarden has no handler for /validate/ocirepository in this build, so the request is denied");
        assertThat(registry.counter("fleetwarden.admission.requests", "path", WebhookPaths.VALIDATE_OCIREPOSITORY,
                "outcome", "error", "reason", "NoHandler", "cache", "none").count()).isEqualTo(1);
    }

    @Test
    void handlerContractViolationsAreInternalErrors() throws Exception {
        AdmissionHandler noDecision = input -> null;
        AdmissionHandler notAPatch = input -> AdmissionDecision.patch("Defaulted", "", List.of(), "{\"op\":\"add\"}");
        AdmissionHandler deepRecursion = input -> {
            throw new StackOverflowError();
        };
        AdmissionService service = service(Map.of("/mutate/none", noDecision, "/mutate/object", notAPatch,
                "/validate/deep", deepRecursion));

        for (String path : List.of("/mutate/none", "/mutate/object", "/validate/deep")) {
            JsonNode response = review(service, path);
            assertThat(response.get("allowed").asBoolean()).as(path).isFalse();
            assertThat(response.at("/status/reason").asText()).as(path).isEqualTo("InternalError");
            assertThat(response.has("patch")).as(path).isFalse();
        }
    }

    @Test
    void unservedPathIsNotFoundAndNotRecorded() {
        AdmissionService service = service(Map.of());

        WebhookReply reply = service.review("/validate/unknown", "application/json", new ByteArrayInputStream(new byte[0]));

        assertThat(reply.status()).isEqualTo(404);
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void malformedHandlerPathIsRefused() {
        assertThatThrownBy(() -> new AdmissionHandlers(Map.of("/validate/OCI", input -> null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a handler declares webhook path '/validate/OCI'; expected /validate/<name> or "
                        + "/mutate/<name> with a lowercase name");
    }

    @Test
    void unboundedReasonIsRecordedAsOther() {
        assertThat(AdmissionMetrics.boundedReason("PolicyDenied")).isEqualTo("PolicyDenied");
        assertThat(AdmissionMetrics.boundedReason("denied because of x")).isEqualTo("Other");
        assertThat(AdmissionMetrics.boundedReason("A".repeat(41))).isEqualTo("Other");
        assertThat(AdmissionMetrics.boundedReason(null)).isEqualTo("Other");
    }

    private AdmissionService service(Map<String, AdmissionHandler> handlers) {
        return new AdmissionService(new AdmissionHandlers(handlers), CONFIG, new AdmissionMetrics(registry));
    }

    private static JsonNode review(AdmissionService service, String path) throws Exception {
        String review = AdmissionReviews.create("v1", "ConfigMap").namespace("ns").name("cm").object("{}").json();
        WebhookReply reply = service.review(path, "application/json",
                new ByteArrayInputStream(review.getBytes(StandardCharsets.UTF_8)));
        assertThat(reply.status()).isEqualTo(200);
        return JSON.readTree(reply.body()).get("response");
    }
}
