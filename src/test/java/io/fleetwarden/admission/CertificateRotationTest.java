package io.fleetwarden.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.admission.tls.ServingTls;
import io.fleetwarden.testing.AdmissionReviews;
import io.fleetwarden.testing.TlsFixture;
import io.fleetwarden.testing.WebhookClient;
import io.fleetwarden.testing.WebhookTlsResource;
import io.fleetwarden.testing.admission.ValidateTestHandler;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * The serving certificate follows its files: after a Secret-style rotation new connections get the new
 * certificate, and every request is answered throughout, on connections opened before and after the switch.
 */
@QuarkusTest
class CertificateRotationTest {

    private static final Duration SWITCH_DEADLINE = Duration.ofSeconds(30);

    @Inject
    ServingTls servingTls;

    @Test
    void rotatedCertificatesAreServedWithoutDroppingRequests() throws Exception {
        TlsFixture tls = WebhookTlsResource.fixture();
        WebhookClient pooled = WebhookClient.trustingFixture();
        WebhookClient fresh = WebhookClient.trustingFixture();
        assertThat(fresh.presentedCertificate()).isEqualTo(tls.current().serving());
        assertAnswered(pooled);

        for (int rotation = 0; rotation < 3; rotation++) {
            TlsFixture.Generation old = tls.current();
            TlsFixture.Generation next = tls.rotate();

            // One request on the already-open connection and one new handshake per round until the new
            // certificate is presented; any failed request or handshake fails the test at once.
            awaitPresented(next.serving(), () -> assertAnswered(pooled), fresh);

            assertAnswered(pooled);
            assertAnswered(WebhookClient.trusting(List.of(next.ca())));
            assertThatThrownBy(() -> WebhookClient.trusting(List.of(old.ca())).presentedCertificate())
                    .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(SSLHandshakeException.class);
        }
    }

    @Test
    void keyThatDoesNotMatchItsCertificateIsRefused() throws Exception {
        TlsFixture tls = WebhookTlsResource.fixture();
        WebhookClient fresh = WebhookClient.trustingFixture();
        TlsFixture.Generation good = tls.current();
        awaitPresented(good.serving(), () -> { }, fresh);

        tls.rotateToMismatchedKey();

        // Whether the periodic reload or this call saw the files first, the pair is refused.
        assertThat(servingTls.reload()).isEqualTo(ServingTls.Reload.REJECTED);
        assertThat(fresh.presentedCertificate()).isEqualTo(good.serving());
        assertAnswered(fresh);

        TlsFixture.Generation repaired = tls.rotate();
        awaitPresented(repaired.serving(), () -> assertAnswered(fresh), fresh);
    }

    /** Runs {@code eachRound} until a fresh handshake presents {@code expected}, within a bounded deadline. */
    static void awaitPresented(X509Certificate expected, ThrowingRunnable eachRound, WebhookClient fresh)
            throws Exception {
        Instant deadline = Instant.now().plus(SWITCH_DEADLINE);
        int rounds = 0;
        X509Certificate presented;
        do {
            eachRound.run();
            presented = fresh.presentedCertificate();
            rounds++;
        } while (!presented.equals(expected) && Instant.now().isBefore(deadline));
        assertThat(presented).as("certificate presented within %s (%d rounds)", SWITCH_DEADLINE, rounds)
                .isEqualTo(expected);
    }

    /** One review over {@code client} is answered and allowed. */
    static void assertAnswered(WebhookClient client) throws Exception {
        AdmissionReviews review = AdmissionReviews.create("v1", "ConfigMap").namespace("team-a").name("cm")
                .object("{\"spec\":{}}");
        var response = WebhookHttpsTest.reviewResponse(client.postJson(ValidateTestHandler.PATH, review.json()));
        assertThat(response.get("uid").asText()).isEqualTo(review.uid());
        assertThat(response.get("allowed").asBoolean()).isTrue();
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
