package io.fleetwarden.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.testing.AdmissionReviews;
import io.fleetwarden.testing.WebhookClient;
import io.fleetwarden.testing.admission.ValidateTestHandler;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Requests that are not well-formed AdmissionReviews get an HTTP error with a message, never a decision. */
@QuarkusTest
class WebhookBadRequestTest {

    private static final String PATH = ValidateTestHandler.PATH;
    private static final int MAX_BODY = 3 * 1024 * 1024;

    private final WebhookClient client = WebhookClient.trustingFixture();

    static Stream<Arguments> malformedReviews() {
        String valid = AdmissionReviews.create("v1", "ConfigMap").namespace("ns").name("cm").json();
        return Stream.of(
                Arguments.of("{\"apiVersion\":", "request body is not valid JSON: Unexpected end-of-input"),
                Arguments.of("", "request body is empty; expected an AdmissionReview"),
                Arguments.of("[1,2]", "request body must be a JSON object: an admission.k8s.io/v1 AdmissionReview"),
                Arguments.of(valid + "{}", "request body is not valid JSON: Trailing token"),
                Arguments.of("{\"apiVersion\":\"admission.k8s.io/v1\",\"apiVersion\":\"x\"}",
                        "request body is not valid JSON: Duplicate field 'apiVersion'"),
                Arguments.of(valid.replace("admission.k8s.io/v1", "admission.k8s.io/v1beta1"),
                        "expected apiVersion admission.k8s.io/v1 and kind AdmissionReview, got apiVersion "
                                + "'admission.k8s.io/v1beta1' and kind 'AdmissionReview'"),
                Arguments.of(valid.replace("\"kind\":\"AdmissionReview\"", "\"kind\":\"ConfigMap\""),
                        "expected apiVersion admission.k8s.io/v1 and kind AdmissionReview, got apiVersion "
                                + "'admission.k8s.io/v1' and kind 'ConfigMap'"),
                Arguments.of("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}",
                        "AdmissionReview has no request object"),
                Arguments.of(valid.replaceFirst("\"uid\":\"[^\"]+\",", ""), "request.uid is missing"),
                Arguments.of(valid.replaceFirst("\"uid\":\"[^\"]+\"", "\"uid\":7"), "request.uid must be a string"),
                Arguments.of(valid.replaceFirst("\"uid\":\"[^\"]+\"", "\"uid\":\"a\\\\nb\""),
                        "request.uid must be 1-128 letters, digits, '.', '_', ':' or '-'"),
                Arguments.of(valid.replace("\"operation\":\"CREATE\"", "\"operation\":\"PATCH\""),
                        "request.operation must be one of CREATE, UPDATE, DELETE, CONNECT"),
                Arguments.of(valid.replace("\"dryRun\":false", "\"dryRun\":\"no\""), "request.dryRun must be a boolean"),
                Arguments.of(valid.replace("\"object\":null", "\"object\":\"cm\""), "request.object must be a JSON object"));
    }

    @ParameterizedTest
    @MethodSource("malformedReviews")
    void malformedReviewIsBadRequest(String body, String message) {
        HttpResponse<String> response = client.postJson(PATH, body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).startsWith(message);
    }

    @Test
    void wrongContentTypeIsUnsupportedMediaType() {
        String review = AdmissionReviews.create("v1", "ConfigMap").json();

        HttpResponse<String> text = client.post(PATH, "text/plain", review.getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> none = client.post(PATH, null, review.getBytes(StandardCharsets.UTF_8));

        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(text.body()).isEqualTo("Content-Type must be application/json, got 'text/plain'\n");
        assertThat(none.statusCode()).isEqualTo(415);
        assertThat(none.body()).isEqualTo("Content-Type must be application/json, got none\n");
    }

    @Test
    void jsonWithCharsetIsAccepted() throws Exception {
        String review = AdmissionReviews.create("v1", "ConfigMap").object("{\"spec\":{}}").json();

        HttpResponse<String> response = client.post(PATH, "application/json; charset=utf-8",
                review.getBytes(StandardCharsets.UTF_8));

        assertThat(WebhookHttpsTest.reviewResponse(response).get("allowed").asBoolean()).isTrue();
    }

    @Test
    void bodyAtTheLimitIsReadAndOneByteMoreIsTooLarge() throws Exception {
        String atLimit = paddedReview(MAX_BODY);
        String overLimit = paddedReview(MAX_BODY + 1);
        assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BODY);

        HttpResponse<String> accepted = client.postJson(PATH, atLimit);
        HttpResponse<String> refused = client.postJson(PATH, overLimit);

        assertThat(WebhookHttpsTest.reviewResponse(accepted).get("allowed").asBoolean()).isTrue();
        assertThat(refused.statusCode()).isEqualTo(413);
        assertThat(refused.body()).isEqualTo(
                "AdmissionReview body is larger than 3145728 bytes (fleetwarden.admission.max-body-bytes)\n");
    }

    @Test
    void unknownWebhookIsNotFound() {
        String review = AdmissionReviews.create("v1", "ConfigMap").json();

        HttpResponse<String> unknown = client.postJson("/validate/nothing-here", review);
        HttpResponse<String> elsewhere = client.postJson("/admit/ocirepository", review);

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("no admission webhook at /validate/nothing-here\n");
        assertThat(elsewhere.statusCode()).isEqualTo(404);
    }

    @Test
    void getIsNotAllowed() {
        assertThat(client.get(PATH).statusCode()).isEqualTo(405);
    }

    /** A valid review whose UTF-8 encoding is exactly {@code size} bytes (padding in the object). */
    private static String paddedReview(int size) {
        String template = AdmissionReviews.create("v1", "ConfigMap").namespace("ns").name("big")
                .object("{\"spec\":{\"pad\":\"\"}}").json();
        int missing = size - template.getBytes(StandardCharsets.UTF_8).length;
        return template.replace("\"pad\":\"\"", "\"pad\":\"" + "x".repeat(missing) + "\"");
    }
}
