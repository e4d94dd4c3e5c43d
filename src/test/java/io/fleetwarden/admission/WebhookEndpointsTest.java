package io.fleetwarden.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.testing.AdmissionReviews;
import io.fleetwarden.testing.WebhookClient;
import io.fleetwarden.testing.admission.ValidateTestHandler;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Plain HTTP is not served; health and metrics are, over HTTPS, and the admission metrics count reviews. */
@QuarkusTest
class WebhookEndpointsTest {

    private final WebhookClient client = WebhookClient.trustingFixture();

    @Test
    void plainHttpGetsNoHttpAnswer() throws IOException {
        String review = AdmissionReviews.create("v1", "ConfigMap").object("{\"spec\":{}}").json();
        byte[] body = review.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + ValidateTestHandler.PATH + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";

        String answer;
        try (Socket socket = new Socket("localhost", WebhookClient.httpsPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            answer = readAll(socket.getInputStream());
        }

        assertThat(answer).doesNotContain("HTTP/1.1").doesNotContain("allowed");
        // Quarkus publishes the port of every listener it bound; it bound no plain HTTP one.
        assertThat(System.getProperty("quarkus.http.test-port")).isNull();
        assertThat(System.getProperty("quarkus.http.test-ssl-port")).isEqualTo(String.valueOf(WebhookClient.httpsPort()));
    }

    @Test
    void healthIsServedOverHttps() {
        var response = client.get("/q/health/live");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\": \"UP\"");
    }

    @Test
    void reviewsAreCountedAndTimed() {
        String counter = "fleetwarden_admission_requests_total{cache=\"none\",outcome=\"allowed\",path=\"" + ValidateTestHandler.PATH
                + "\",reason=\"Verified\"}";
        String malformed = "fleetwarden_admission_requests_total{cache=\"none\",outcome=\"error\",path=\"" + ValidateTestHandler.PATH
                + "\",reason=\"MalformedJson\"}";
        double before = value(metrics(), counter);
        double malformedBefore = value(metrics(), malformed);

        client.postJson(ValidateTestHandler.PATH, AdmissionReviews.create("v1", "ConfigMap").object("{\"spec\":{}}").json());
        client.postJson(ValidateTestHandler.PATH, "{not json");

        String after = metrics();
        assertThat(value(after, counter)).isEqualTo(before + 1);
        assertThat(value(after, malformed)).isEqualTo(malformedBefore + 1);
        assertThat(after).contains("# TYPE fleetwarden_admission_duration_seconds histogram")
                .contains("fleetwarden_admission_duration_seconds_bucket{cache=\"none\",outcome=\"allowed\",path=\""
                        + ValidateTestHandler.PATH + "\",reason=\"Verified\",le=\"0.005\"}")
                .contains("fleetwarden_admission_duration_seconds_count{cache=\"none\",outcome=\"allowed\",path=\""
                        + ValidateTestHandler.PATH + "\",reason=\"Verified\"}");
    }

    private String metrics() {
        var response = client.get("/q/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static double value(String metrics, String series) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0.0;
    }

    private static String readAll(InputStream in) throws IOException {
        try {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.ISO_8859_1);
        } catch (SocketException e) {
            return ""; // reset by the TLS server: no HTTP answer either
        }
    }
}
