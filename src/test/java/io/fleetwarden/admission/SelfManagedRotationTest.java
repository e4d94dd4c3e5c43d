package io.fleetwarden.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.kube.certs.CertificateSettings;
import io.fleetwarden.kube.certs.CertificateWorld;
import io.fleetwarden.kube.certs.WebhookCertificates;
import io.fleetwarden.testing.AdmissionReviews;
import io.fleetwarden.testing.MutableClock;
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
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * Self-managed certificates end to end, on the running HTTPS server: {@link WebhookCertificates} writes the
 * Secret to the (mock) API server, the test plays the kubelet (the Secret's values go into the mounted
 * directory with one atomic {@code ..data} switch) and {@code ServingTls} picks them up. A client that trusts
 * exactly the {@code caBundle} the API server was given keeps getting answers through a CA rotation.
 * The clock is moved so that each step happens, always at or before the real time so that the certificates
 * are valid for the client: lifetimes are short (CA 30 days, serving 9 days, overlap 1 hour).
 */
@QuarkusTest
class SelfManagedRotationTest {


    @Inject
    KubernetesClient client;

    @Test
    void caRotationKeepsServingClientsThatTrustTheCaBundle() throws Exception {
        Instant now = Instant.now();
        CertificateSettings settings = new CertificateSettings("certs-rotation", "fleetwarden-webhook-tls",
                "fleetwarden-webhook-ca", List.of("localhost"), List.of(), List.of("fleetwarden-rotation"),
                List.of("fleetwarden-defaults-rotation"), Duration.ofDays(30), Duration.ofDays(9), Duration.ofHours(1));
        CertificateWorld world = new CertificateWorld(client, settings).applyWebhookConfigurations();
        MutableClock clock = new MutableClock(now.minus(Duration.ofDays(21)));
        WebhookCertificates certificates = new WebhookCertificates(client, settings, clock);
        certificates.reconcile();

        // CA1 has a third of its life left: CA2 is trusted, the (expired) serving certificate is reissued by CA1.
        clock.set(now.minus(Duration.ofHours(2)));
        certificates.reconcile();
        X509Certificate ca1 = world.ca().current().certificate();
        X509Certificate ca2 = world.ca().next().certificate();
        List<X509Certificate> bundleDuringRotation = world.caBundles().get(0);
        assertThat(bundleDuringRotation).containsExactly(ca1, ca2);
        X509Certificate servedByCa1 = kubeletDelivers(world, ca1);
        // (Until this first switch the server presents the fixture's own certificate, which no caBundle here trusts.)
        CertificateRotationTest.awaitPresented(servedByCa1, () -> { }, WebhookClient.trustingFixture());
        WebhookClient apiServer = WebhookClient.trusting(bundleDuringRotation);
        CertificateRotationTest.assertAnswered(apiServer);

        // The overlap is over: CA2 signs. Requests on the open connection and new handshakes with the
        // caBundle given out before the switch succeed before, during and after the replica's switch.
        clock.set(now.minus(Duration.ofHours(1)));
        WebhookCertificates.Outcome promoted = certificates.reconcile();
        assertThat(promoted.servingWritten()).isTrue();
        assertThat(world.caBundles()).allSatisfy(bundle -> assertThat(bundle).containsExactly(ca2, ca1));
        X509Certificate servedByCa2 = kubeletDelivers(world, ca2);
        CertificateRotationTest.awaitPresented(servedByCa2, () -> CertificateRotationTest.assertAnswered(apiServer), WebhookClient.trusting(bundleDuringRotation));
        CertificateRotationTest.assertAnswered(apiServer);

        // One overlap later CA1 leaves caBundle; what is served needs CA2 only.
        clock.set(now);
        certificates.reconcile();
        assertThat(world.caBundles()).allSatisfy(bundle -> assertThat(bundle).containsExactly(ca2));
        CertificateRotationTest.assertAnswered(WebhookClient.trusting(List.of(ca2)));
        assertThatThrownBy(() -> WebhookClient.trusting(List.of(ca1)).presentedCertificate())
                .isInstanceOf(UncheckedIOException.class).hasCauseInstanceOf(SSLHandshakeException.class);
    }

    /** The kubelet's part: the serving Secret's current values land in the mounted directory at once. */
    private static X509Certificate kubeletDelivers(CertificateWorld world, X509Certificate ca) {
        Map<String, String> data = world.servingSecret().getData();
        X509Certificate serving = world.serving().certificate();
        TlsFixture tls = WebhookTlsResource.fixture();
        tls.install(decode(data, "tls.crt"), decode(data, "tls.key"), decode(data, "ca.crt"), ca, serving);
        return serving;
    }

    private static byte[] decode(Map<String, String> data, String key) {
        return Base64.getDecoder().decode(data.get(key));
    }
}
