package io.fleetwarden.kube.certs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.testing.MutableClock;
import io.fleetwarden.testing.MockApiServer;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Self-managed certificates against a CRUD mock API server: creation, no-op passes, renewal, CA rotation, races. */
class WebhookCertificatesTest {

    private static final List<String> DNS = CertificateSettings.serviceDnsNames("fleetwarden", "flux-system", "cluster.local");
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private MockApiServer mock;
    private KubernetesClient client;
    private CertificateWorld world;
    private MutableClock clock;
    private WebhookCertificates certificates;

    @BeforeEach
    void cluster() {
        mock = MockApiServer.start();
        client = mock.client();
        world = new CertificateWorld(client, CertificateWorld.settings("flux-system", DNS, "")).applyWebhookConfigurations();
        clock = new MutableClock(START);
        certificates = new WebhookCertificates(client, world.settings(), clock);
    }

    @AfterEach
    void close() {
        client.close();
        mock.close();
    }

    @Test
    void firstPassCreatesAChainForTheServiceNamesAndTrustsItInEveryWebhook() throws Exception {
        WebhookCertificates.Outcome outcome = certificates.reconcile();

        assertThat(outcome.caWritten()).isTrue();
        assertThat(outcome.servingWritten()).isTrue();
        assertThat(outcome.webhooksPatched()).isEqualTo(3);
        CaState ca = world.ca();
        X509Certificate serving = world.serving().certificate();
        serving.verify(ca.current().certificate().getPublicKey());
        assertThat(CertificateChecks.dnsNames(serving)).containsExactlyInAnyOrder("fleetwarden.flux-system.svc",
                "fleetwarden.flux-system.svc.cluster.local");
        assertThat(serving.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(serving.getBasicConstraints()).isEqualTo(-1);
        assertThat(ca.current().certificate().getBasicConstraints()).isZero();
        assertThat(serving.getNotAfter().toInstant()).isEqualTo(START.plus(Duration.ofDays(90)));
        assertThat(ca.current().certificate().getNotAfter().toInstant()).isEqualTo(START.plus(Duration.ofDays(365)));
        assertThat(world.caBundles()).hasSize(3).allSatisfy(bundle -> assertThat(bundle).containsExactly(ca.current().certificate()));
        // The mounted Secret carries no CA key: only the never-mounted CA Secret does.
        assertThat(world.servingSecret().getType()).isEqualTo("kubernetes.io/tls");
        assertThat(world.servingSecret().getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
        assertThat(world.caSecret().getData()).containsOnlyKeys("ca.crt", "ca.key");
    }

    @Test
    void aPassThatFindsEverythingGoodWritesNothing() {
        certificates.reconcile();
        List<String> versions = world.resourceVersions();
        clock.advance(Duration.ofDays(59));

        WebhookCertificates.Outcome outcome = certificates.reconcile();

        assertThat(outcome.wroteNothing()).as("outcome %s", outcome).isTrue();
        assertThat(world.resourceVersions()).isEqualTo(versions);
    }

    @Test
    void servingCertificateIsRenewedWithAThirdOfItsLifeLeftFromTheSameCa() throws Exception {
        certificates.reconcile();
        X509Certificate first = world.serving().certificate();
        String caVersion = world.caSecret().getMetadata().getResourceVersion();
        clock.advance(Duration.ofDays(61));

        WebhookCertificates.Outcome outcome = certificates.reconcile();

        assertThat(outcome.servingWritten()).isTrue();
        assertThat(outcome.caWritten()).isFalse();
        assertThat(outcome.webhooksPatched()).isZero();
        X509Certificate renewed = world.serving().certificate();
        assertThat(renewed).isNotEqualTo(first);
        renewed.verify(world.ca().current().certificate().getPublicKey());
        assertThat(renewed.getNotAfter().toInstant()).isEqualTo(clock.instant().plus(Duration.ofDays(90)));
        assertThat(world.caSecret().getMetadata().getResourceVersion()).isEqualTo(caVersion);
    }

    @Test
    void caRotationTrustsTheNewCaBeforeItSignsAndTheOldOneUntilReplicasSwitched() throws Exception {
        certificates.reconcile();
        X509Certificate oldCa = world.ca().current().certificate();
        X509Certificate oldServing = world.serving().certificate();

        // 1. A third of the CA's life left: the successor is only trusted; nothing is signed by it yet.
        clock.set(START.plus(Duration.ofDays(244)));
        WebhookCertificates.Outcome introduce = certificates.reconcile();
        X509Certificate newCa = world.ca().next().certificate();
        assertThat(introduce.caWritten()).isTrue();
        assertThat(world.ca().current().certificate()).isEqualTo(oldCa);
        assertThat(world.caBundles()).allSatisfy(bundle -> assertThat(bundle).containsExactly(oldCa, newCa));
        world.serving().certificate().verify(oldCa.getPublicKey());

        // 2. Within the overlap nothing changes.
        clock.advance(Duration.ofMinutes(59));
        List<String> versions = world.resourceVersions();
        assertThat(certificates.reconcile().wroteNothing()).isTrue();
        assertThat(world.resourceVersions()).isEqualTo(versions);

        // 3. After the overlap the new CA signs; the old one stays trusted for what replicas still serve.
        clock.advance(Duration.ofMinutes(1));
        WebhookCertificates.Outcome promote = certificates.reconcile();
        assertThat(promote.servingWritten()).isTrue();
        assertThat(world.ca().current().certificate()).isEqualTo(newCa);
        assertThat(world.caSecret().getData()).doesNotContainKeys("next-ca.key", "next-ca.crt").containsKey("previous-ca.crt");
        X509Certificate newServing = world.serving().certificate();
        newServing.verify(newCa.getPublicKey());
        assertThat(newServing).isNotEqualTo(oldServing);
        assertThat(world.caBundles()).allSatisfy(bundle -> assertThat(bundle).containsExactly(newCa, oldCa));

        // 4. One more overlap later the old CA is no longer trusted.
        clock.advance(Duration.ofHours(1));
        WebhookCertificates.Outcome retire = certificates.reconcile();
        assertThat(retire.caWritten()).isTrue();
        assertThat(retire.servingWritten()).isFalse();
        assertThat(world.caBundles()).allSatisfy(bundle -> assertThat(bundle).containsExactly(newCa));
        assertThat(world.caSecret().getData()).containsOnlyKeys("ca.crt", "ca.key");
    }

    @Test
    void theNewCaDoesNotSignWhileAWebhookDoesNotTrustIt() {
        certificates.reconcile();
        clock.set(START.plus(Duration.ofDays(244)));
        certificates.reconcile();
        // Flux (or a person) puts a stale caBundle back on one webhook before the overlap ends.
        String stale = CaBundles.encode(List.of(world.ca().current().certificate()));
        patchFirstValidatingCaBundle(stale);
        clock.advance(Duration.ofHours(2));
        certificates.beforeWrite(() -> assertThat(world.ca().next()).as("not promoted in this pass").isNotNull());

        WebhookCertificates.Outcome outcome = certificates.reconcile();

        assertThat(outcome.webhooksPatched()).isEqualTo(1);
        assertThat(outcome.servingWritten()).isFalse();
        certificates.beforeWrite(() -> { });
        assertThat(certificates.reconcile().servingWritten()).as("promoted once every webhook trusts it").isTrue();
    }

    @Test
    void aCaBundleResetByGitOpsIsPutBack() {
        certificates.reconcile();
        patchFirstValidatingCaBundle("");

        WebhookCertificates.Outcome outcome = certificates.reconcile();

        assertThat(outcome.webhooksPatched()).isEqualTo(1);
        assertThat(outcome.caWritten()).isFalse();
        assertThat(world.caBundles()).allSatisfy(bundle -> assertThat(bundle).containsExactly(world.ca().current().certificate()));
    }

    @Test
    void aReplicaThatLosesTheCreateRaceAdoptsTheWinnersCa() {
        // Another replica creates both Secrets between this pass's read and its first write.
        KubernetesClient other = mock.client();
        WebhookCertificates winner = new WebhookCertificates(other, world.settings(), clock);
        certificates.beforeWrite(() -> {
            certificates.beforeWrite(() -> { });
            winner.reconcile();
        });
        List<String> afterWinner;

        WebhookCertificates.Outcome outcome = certificates.reconcile();

        afterWinner = world.resourceVersions();
        assertThat(outcome.wroteNothing()).as("the retry found the winner's Secrets good: %s", outcome).isTrue();
        assertThat(world.caBundles()).allSatisfy(bundle -> assertThat(bundle).containsExactly(world.ca().current().certificate()));
        assertThat(certificates.reconcile().wroteNothing()).isTrue();
        assertThat(world.resourceVersions()).isEqualTo(afterWinner);
        other.close();
    }

    @Test
    void unusableSecretContentIsReplacedAndTheOutgoingCertificateStaysTrusted() throws Exception {
        certificates.reconcile();
        X509Certificate servedIssuer = world.ca().current().certificate();
        // The CA Secret's key is garbage (hand edit, bad restore): a new CA is made, and the certificate
        // replicas serve now stays trusted through ca.crt of the serving Secret until they switch.
        var broken = new SecretBuilder(world.caSecret()).addToData("ca.key",
                Base64.getEncoder().encodeToString("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".getBytes()))
                .build();
        client.resource(broken).update();

        WebhookCertificates.Outcome outcome = certificates.reconcile();

        assertThat(outcome.reasons()).contains("no usable CA");
        X509Certificate freshCa = world.ca().current().certificate();
        assertThat(freshCa).isNotEqualTo(servedIssuer);
        world.serving().certificate().verify(freshCa.getPublicKey());
        assertThat(world.caBundles()).allSatisfy(bundle -> assertThat(bundle).containsExactly(freshCa, servedIssuer));
        assertThat(Set.copyOf(world.caSecret().getMetadata().getAnnotations().keySet()))
                .containsExactly("fleetwarden.io/previous-ca-until");
    }

    @Test
    void settingsRefuseACaThatCannotOutliveItsServingCertificates() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CertificateSettings("ns", "s", "c", DNS, List.of(),
                List.of(), List.of(), Duration.ofDays(90), Duration.ofDays(90), Duration.ofHours(1)))
                .hasMessageContaining("ca-lifetime (PT2160H) must be at least 3 x (serving-lifetime + 2 x overlap)");
    }

    @Test
    void configuredIpAddressesBecomeIpSansNextToTheServiceNames() throws Exception {
        CertificateSettings settings = CertificateWorld.settings("flux-system", DNS, List.of("127.0.0.1", "::1"), "");
        new WebhookCertificates(client, settings, clock).reconcile();

        X509Certificate serving = world.serving().certificate();
        assertThat(CertificateChecks.ipAddresses(serving)).containsExactlyInAnyOrder("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(CertificateChecks.dnsNames(serving)).containsExactlyInAnyOrderElementsOf(DNS);
    }

    @Test
    void aServingCertificateForOtherIpAddressesIsReissuedFromTheSameCa() {
        certificates.reconcile(); // no IP addresses configured
        X509Certificate before = world.serving().certificate();
        assertThat(CertificateChecks.ipAddresses(before)).isEmpty();
        CertificateSettings withIp = CertificateWorld.settings("flux-system", DNS, List.of("10.0.0.7"), "");

        WebhookCertificates.Outcome added = new WebhookCertificates(client, withIp, clock).reconcile();

        assertThat(added.servingWritten()).isTrue();
        assertThat(added.caWritten()).isFalse();
        assertThat(added.reasons()).contains("the serving certificate is for other IP addresses than [10.0.0.7]");
        assertThat(CertificateChecks.ipAddresses(world.serving().certificate())).containsExactly("10.0.0.7");
        // Same settings again: nothing to do. Back to none: the address is dropped, not kept.
        assertThat(new WebhookCertificates(client, withIp, clock).reconcile().wroteNothing()).isTrue();
        assertThat(certificates.reconcile().servingWritten()).isTrue();
        assertThat(CertificateChecks.ipAddresses(world.serving().certificate())).isEmpty();
    }

    @Test
    void ipAddressesMustBeLiteralsAndAreNormalised() {
        for (String bad : List.of("localhost", "fleetwarden.flux-system.svc", "127.0.0.1/8", "300.1.1.1", "")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> CertificateWorld.settings("ns", DNS, List.of(bad), ""))
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("fleetwarden.certs.ip-addresses: \"" + bad + "\" is not an IPv4 or IPv6 address literal");
        }
        assertThat(CertificateWorld.settings("ns", DNS, List.of(" 127.0.0.1", "::1", "0:0:0:0:0:0:0:1"), "").ipAddresses())
                .containsExactly("127.0.0.1", "0:0:0:0:0:0:0:1");
    }

    private void patchFirstValidatingCaBundle(String value) {
        client.admissionRegistration().v1().validatingWebhookConfigurations().withName(world.settings().validatingConfigurations().get(0))
                .edit(c -> {
                    c.getWebhooks().get(0).getClientConfig().setCaBundle(value);
                    return c;
                });
    }
}
