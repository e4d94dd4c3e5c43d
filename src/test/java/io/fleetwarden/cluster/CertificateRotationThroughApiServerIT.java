package io.fleetwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.testing.WebhookClient;
import io.fleetwarden.testing.cluster.LocalCluster;
import io.fleetwarden.testing.cluster.SelfManagedOnCluster;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Self-managed certificates as a cluster lives them: the packaged service makes its own CA and serving
 * certificate, the leader fills {@code caBundle} of the shipped webhook configurations (registered without
 * one), and while the CA rotates and the serving certificate is renewed, the API server keeps calling the
 * webhook: every admission request of a steady loop gets fleetwarden's answer, none a "failed calling
 * webhook". Lifetimes are shrunk so that rotations happen within a minute (see {@link #SHORT_LIVED}).
 */
class CertificateRotationThroughApiServerIT {

    /**
     * A CA lives 3 minutes. Certificates are backdated 5 minutes (CertificateAuthority.BACKDATE) and are due
     * with a third of their whole validity left, so this CA gets a successor 20 s after it was made, which
     * signs after the 10 s overlap; the old CA leaves caBundle 10 s later. A 30 s serving certificate is
     * always due under that backdating, so each 1 s check renews it: the renewal path is exercised
     * continuously, not once. ca-lifetime/3 (60 s) >= serving-lifetime + 2 x overlap (50 s), as
     * CertificateSettings requires.
     */
    static final Map<String, String> SHORT_LIVED = Map.of("fleetwarden.certs.ca-lifetime", "3m",
            "fleetwarden.certs.serving-lifetime", "30s", "fleetwarden.certs.overlap", "10s",
            "fleetwarden.certs.check-period", "1s");
    private static final Duration LOOP_LIMIT = Duration.ofSeconds(150);
    private static final int REQUEST_LIMIT = 2000;
    /** Requests after the first CA left caBundle again, so the end of an overlap is crossed too. */
    private static final int AFTER_RETIREMENT = 20;

    @Test
    void theLeaderFillsCaBundleAndTheApiServerNeverFailsToCallTheWebhookAcrossRotations() throws Exception {
        try (LocalCluster cluster = SelfManagedOnCluster.fresh("rotation", SHORT_LIVED);
                KubernetesClient admin = SelfManagedOnCluster.plane().adminClient()) {
            cluster.startService();
            cluster.registerWebhooksWithoutWaiting();
            Instant registered = Instant.now();
            // deploy/ ships no caBundle: only the leader can make the API server trust the webhook.
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> allBundles(admin).stream().noneMatch(List::isEmpty));
            Duration fill = Duration.between(registered, Instant.now());
            X509Certificate firstCa = cluster.mount().cas().get(0);
            assertThat(allBundles(admin)).allSatisfy(bundle -> assertThat(bundle).contains(firstCa));

            // A client that trusts only the first CA, as an API server whose caBundle was never updated would.
            WebhookClient stale = WebhookClient.trusting(List.of(firstCa)).at(LocalCluster.LOOPBACK, cluster.service().port());
            assertThat(stale.presentedCertificate()).isNotNull();
            Loop loop = new Loop(admin, cluster, firstCa);
            loop.run();

            System.out.printf("caBundle filled %d ms after registration; %d requests in %d ms; first CA introduced a"
                    + " successor after %s, retired %d ms after that with %d requests in between; bundles seen %d;"
                    + " serving certificates presented %d (renewals seen %d) from %d CAs%n", fill.toMillis(), loop.requests,
                    loop.elapsed.toMillis(), loop.successorSeen == null ? -1 : Duration.between(registered.plus(fill), loop.successorSeen).toMillis(), loop.rotation().toMillis(), loop.requestsDuringRotation,
                    loop.bundles.size(), loop.presented.size(), loop.renewals, loop.signers.size());
            assertThat(loop.failures).as("requests the API server could not get fleetwarden's answer to").isEmpty();
            assertThat(loop.retiredAt).as("the first CA left caBundle within %s", LOOP_LIMIT).isNotNull();
            assertThat(loop.bundles).as("caBundle changed, holding old and new CA during the overlap")
                    .anySatisfy(bundle -> assertThat(bundle).hasSizeGreaterThanOrEqualTo(2).contains(firstCa))
                    .anySatisfy(bundle -> assertThat(bundle).doesNotContain(firstCa));
            assertThat(loop.signers).as("the presented certificate came from the first CA, then from a successor")
                    .hasSizeGreaterThan(1).first().isEqualTo(firstCa);
            assertThat(loop.renewals).as("a serving certificate renewed from the same CA was presented").isPositive();
            assertThat(loop.requestsDuringRotation).isGreaterThanOrEqualTo(10);
            // The rotation was real: on a new connection (a pooled one keeps its old handshake), trust in the first
            // CA alone no longer reaches the webhook; today's caBundle does.
            assertThatThrownBy(stale::presentedCertificate).hasRootCauseInstanceOf(
                    java.security.cert.CertPathValidatorException.class);
            assertThat(WebhookClient.trusting(validatingBundle(admin)).at(LocalCluster.LOOPBACK, cluster.service().port())
                    .get("/q/health/ready").statusCode()).isEqualTo(200);
        }
    }

    /** The request loop and what it saw between requests: caBundles and presented serving certificates. */
    private static final class Loop {

        private final KubernetesClient admin;
        private final LocalCluster cluster;
        private final X509Certificate firstCa;
        private final List<String> failures = new ArrayList<>();
        private final Set<List<X509Certificate>> bundles = new LinkedHashSet<>();
        private final Set<X509Certificate> presented = new LinkedHashSet<>();
        /** The CAs that signed what was presented, in order (every CA has the same name: told apart by key). */
        private final Set<X509Certificate> signers = new LinkedHashSet<>();
        private int requests;
        private int renewals;
        private int requestsDuringRotation;
        private Instant successorSeen;
        private Instant retiredAt;
        private Duration elapsed;

        Loop(KubernetesClient admin, LocalCluster cluster, X509Certificate firstCa) {
            this.admin = admin;
            this.cluster = cluster;
            this.firstCa = firstCa;
        }

        void run() throws InterruptedException {
            Instant start = Instant.now();
            int afterRetirement = 0;
            X509Certificate last = null;
            while (requests < REQUEST_LIMIT && Duration.between(start, Instant.now()).compareTo(LOOP_LIMIT) < 0
                    && afterRetirement < AFTER_RETIREMENT) {
                admitted();
                denied();
                List<X509Certificate> bundle = validatingBundle(admin);
                bundles.add(bundle);
                if (successorSeen == null && bundle.size() >= 2 && bundle.contains(firstCa)) {
                    successorSeen = Instant.now();
                }
                if (successorSeen != null && retiredAt == null) {
                    requestsDuringRotation += 2;
                    if (!bundle.contains(firstCa)) {
                        retiredAt = Instant.now();
                    }
                }
                if (retiredAt != null) {
                    afterRetirement += 2;
                }
                X509Certificate now = presentedCertificate();
                X509Certificate signer = signer(now);
                if (last != null && !now.equals(last) && signer.equals(signer(last))) {
                    renewals++;
                }
                presented.add(now);
                signers.add(signer);
                last = now;
                Thread.sleep(50); // pacing only: a steady request rate, as controllers keep writing
            }
            elapsed = Duration.between(start, Instant.now());
        }

        Duration rotation() {
            return successorSeen == null || retiredAt == null ? Duration.ZERO : Duration.between(successorSeen, retiredAt);
        }

        /** A well-formed policy: the webhook admits it (a dry run, nothing is stored). */
        private void admitted() {
            requests++;
            try {
                admin.resource(policy("^https://github\\\\.com/acme/.*$")).dryRun().create();
            } catch (KubernetesClientException e) {
                failures.add("admit #" + requests + " at " + Instant.now() + ": " + e.getMessage());
            }
        }

        /** A policy only our compiler refuses (the CRD schema accepts the pattern): our denial must come back. */
        private void denied() {
            requests++;
            try {
                admin.resource(policy("(")).dryRun().create();
                failures.add("deny #" + requests + ": the invalid policy was admitted");
            } catch (KubernetesClientException e) {
                if (!e.getMessage().contains("admission webhook \"policy.fleetwarden.io\" denied the request")) {
                    failures.add("deny #" + requests + " at " + Instant.now() + ": " + e.getMessage());
                }
            }
        }

        private X509Certificate signer(X509Certificate serving) {
            for (X509Certificate ca : cluster.mount().cas()) {
                try {
                    serving.verify(ca.getPublicKey());
                    return ca;
                } catch (java.security.GeneralSecurityException e) {
                    // not this one
                }
            }
            throw new AssertionError("the presented certificate chains to no CA the Secret ever held: " + serving);
        }

        private X509Certificate presentedCertificate() {
            // Trusting every CA the kubelet stand-in delivered: this only reads which certificate is served.
            return WebhookClient.trusting(cluster.mount().cas()).at(LocalCluster.LOOPBACK, cluster.service().port())
                    .presentedCertificate();
        }
    }

    private static GenericKubernetesResource policy(String subjectRegExp) {
        return Serialization.unmarshal("""
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: rotation-probe}
                spec:
                  sources: ["oci://rotation.invalid/*"]
                  authorities:
                    - keyless: {issuer: https://token.actions.githubusercontent.com, subjectRegExp: "%s"}
                """.formatted(subjectRegExp), GenericKubernetesResource.class);
    }

    private static List<X509Certificate> validatingBundle(KubernetesClient admin) {
        return decode(admin.admissionRegistration().v1().validatingWebhookConfigurations().withName("fleetwarden").get()
                .getWebhooks().get(0).getClientConfig().getCaBundle());
    }

    /** Every webhook's caBundle in both shipped configurations. */
    static List<List<X509Certificate>> allBundles(KubernetesClient admin) {
        List<List<X509Certificate>> out = new ArrayList<>();
        admin.admissionRegistration().v1().validatingWebhookConfigurations().withName("fleetwarden").get().getWebhooks()
                .forEach(w -> out.add(decode(w.getClientConfig().getCaBundle())));
        admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName("fleetwarden-defaults").get()
                .getWebhooks().forEach(w -> out.add(decode(w.getClientConfig().getCaBundle())));
        return out;
    }

    static List<X509Certificate> decode(String caBundle) {
        if (caBundle == null || caBundle.isEmpty()) {
            return List.of();
        }
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Base64.getDecoder().decode(caBundle))).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (CertificateException e) {
            throw new AssertionError("caBundle is not PEM certificates", e);
        }
    }
}
