package io.fleetwarden.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.testing.AdmissionReviews;
import io.fleetwarden.testing.WebhookClient;
import io.fleetwarden.testing.admission.MutateTestHandler;
import io.fleetwarden.testing.admission.ScriptedHandler;
import io.fleetwarden.testing.admission.ValidateTestHandler;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Reviews over HTTPS reach the handler of their path, and the response carries what the API server reads. */
@QuarkusTest
class WebhookHttpsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OCIREPO = "source.toolkit.fluxcd.io/v1beta2";

    private final WebhookClient client = WebhookClient.trustingFixture();

    @Test
    void allowedReviewCarriesUidStatusAndWarnings() throws Exception {
        AdmissionReviews review = AdmissionReviews.create(OCIREPO, "OCIRepository").namespace("team-a").name("app")
                .object("{\"spec\":{\"reason\":\"Verified\",\"message\":\"signed by ci\",\"warnings\":[\"tag is mutable\"]}}")
                .user("alice", "devs", "system:authenticated").dryRun(true);

        JsonNode response = reviewResponse(client.postJson(ValidateTestHandler.PATH, review.json()));

        assertThat(response.get("uid").asText()).isEqualTo(review.uid());
        assertThat(response.get("allowed").asBoolean()).isTrue();
        assertThat(response.at("/status/code").asInt()).isEqualTo(200);
        assertThat(response.at("/status/reason").asText()).isEqualTo("Verified");
        assertThat(response.at("/status/message").asText()).isEqualTo("signed by ci");
        assertThat(response.get("warnings")).hasSize(1);
        assertThat(response.at("/warnings/0").asText()).isEqualTo("tag is mutable");
        assertThat(response.has("patch")).isFalse();
        assertThat(response.has("patchType")).isFalse();
    }

    @Test
    void handlerSeesTheParsedRequest() throws Exception {
        AdmissionReviews review = AdmissionReviews.update(OCIREPO, "OCIRepository").namespace("team-a").name("app")
                .subResource("status").object("{\"spec\":{\"url\":\"oci://new\"}}")
                .oldObject("{\"spec\":{\"url\":\"oci://old\"}}").user("alice", "devs").dryRun(true);

        reviewResponse(client.postJson(ValidateTestHandler.PATH, review.json()));

        AdmissionInput seen = ScriptedHandler.seen(review.uid());
        assertThat(seen.operation()).isEqualTo("UPDATE");
        assertThat(seen.group()).isEqualTo("source.toolkit.fluxcd.io");
        assertThat(seen.version()).isEqualTo("v1beta2");
        assertThat(seen.kind()).isEqualTo("OCIRepository");
        assertThat(seen.subResource()).isEqualTo("status");
        assertThat(seen.namespace()).isEqualTo("team-a");
        assertThat(seen.name()).isEqualTo("app");
        assertThat(seen.object().at("/spec/url").asText()).isEqualTo("oci://new");
        assertThat(seen.oldObject().at("/spec/url").asText()).isEqualTo("oci://old");
        assertThat(seen.username()).isEqualTo("alice");
        assertThat(seen.groups()).containsExactly("devs");
        assertThat(seen.dryRun()).isTrue();
    }

    @Test
    void deleteHasNoObject() throws Exception {
        AdmissionReviews review = AdmissionReviews.delete("v1", "Namespace").name("team-a")
                .oldObject("{\"spec\":{\"allowed\":false,\"message\":\"namespace is protected\"}}");

        JsonNode response = reviewResponse(client.postJson(ValidateTestHandler.PATH, review.json()));

        assertThat(ScriptedHandler.seen(review.uid()).object()).isNull();
        assertThat(ScriptedHandler.seen(review.uid()).group()).isEmpty();
        assertThat(response.get("allowed").asBoolean()).isFalse();
        assertThat(response.at("/status/code").asInt()).isEqualTo(403);
        assertThat(response.at("/status/reason").asText()).isEqualTo("PolicyDenied");
        assertThat(response.at("/status/message").asText()).isEqualTo("namespace is protected");
    }

    @Test
    void mutationCarriesBase64JsonPatch() throws Exception {
        String patch = "[{\"op\":\"add\",\"path\":\"/metadata/labels/tenant\",\"value\":\"team-a\"}]";
        AdmissionReviews review = AdmissionReviews.create("kustomize.toolkit.fluxcd.io/v1", "Kustomization")
                .namespace("team-a").name("apps").object("{\"spec\":{\"reason\":\"Defaulted\",\"patch\":" + patch + "}}");

        JsonNode response = reviewResponse(client.postJson(MutateTestHandler.PATH, review.json()));

        assertThat(response.get("allowed").asBoolean()).isTrue();
        assertThat(response.get("patchType").asText()).isEqualTo("JSONPatch");
        String decoded = new String(Base64.getDecoder().decode(response.get("patch").asText()), StandardCharsets.UTF_8);
        assertThat(JSON.readTree(decoded)).isEqualTo(JSON.readTree(patch));
    }

    @Test
    void throwingHandlerIsDeniedWithInternalError() throws Exception {
        AdmissionReviews review = AdmissionReviews.create(OCIREPO, "OCIRepository").namespace("team-a").name("boom")
                .object("{\"spec\":{\"throw\":\"registry client exploded\"}}");

        JsonNode response = reviewResponse(client.postJson(ValidateTestHandler.PATH, review.json()));

        assertThat(response.get("uid").asText()).isEqualTo(review.uid());
        assertThat(response.get("allowed").asBoolean()).isFalse();
        assertThat(response.at("/status/code").asInt()).isEqualTo(500);
        assertThat(response.at("/status/reason").asText()).isEqualTo("InternalError");
        assertThat(response.at("/status/message").asText()).startsWith("fleetwarden failed while deciding this request")
                .doesNotContain("exploded");
    }

    @Test
    void validatingHandlerMayNotPatch() throws Exception {
        AdmissionReviews review = AdmissionReviews.create(OCIREPO, "OCIRepository").namespace("team-a").name("app")
                .object("{\"spec\":{\"patch\":[{\"op\":\"remove\",\"path\":\"/spec/verify\"}]}}");

        JsonNode response = reviewResponse(client.postJson(ValidateTestHandler.PATH, review.json()));

        assertThat(response.get("allowed").asBoolean()).isFalse();
        assertThat(response.at("/status/reason").asText()).isEqualTo("InternalError");
        assertThat(response.has("patch")).isFalse();
    }

    static JsonNode reviewResponse(HttpResponse<String> http) throws Exception {
        assertThat(http.statusCode()).as(http.body()).isEqualTo(200);
        assertThat(http.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode review = JSON.readTree(http.body());
        assertThat(review.get("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
        assertThat(review.get("kind").asText()).isEqualTo("AdmissionReview");
        return review.get("response");
    }
}
