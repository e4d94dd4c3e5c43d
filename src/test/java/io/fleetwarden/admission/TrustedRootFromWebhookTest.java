package io.fleetwarden.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fleetwarden.api.v1alpha1.ArtifactPolicy;
import io.fleetwarden.api.v1alpha1.PolicyStatus;
import io.fleetwarden.config.GateConfig;
import io.fleetwarden.kube.PolicyInformer;
import io.fleetwarden.kube.TrustedRootSources;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.AdmissionReviews;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.WebhookClient;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.testing.sigstore.SigningRequest;
import io.fleetwarden.verify.cosign.TrustedRoots;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Trusted roots from ConfigMaps and Secrets, end to end: the artifacts are signed by a private Sigstore whose
 * root exists <b>only</b> in the (mock) cluster, so an admission proves the root was loaded from there; the
 * root is then changed, broken and removed while the service runs.
 */
@QuarkusTest
class TrustedRootFromWebhookTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final LocalSigstore CORP = LocalSigstore.create();
    static SignedArtifacts artifacts;
    final WebhookClient webhook = WebhookClient.trustingFixture();

    @Inject
    KubernetesClient kube;

    @Inject
    PolicyInformer policies;

    @Inject
    TrustedRoots roots;

    @Inject
    GateConfig config;

    @BeforeAll
    static void start() {
        artifacts = new SignedArtifacts(TestRegistry.shared(), CORP);
    }

    @AfterAll
    static void stop() {
        artifacts.close();
    }

    void applyPolicy(String name, String prefix, String trustedRootFrom) throws IOException {
        ArtifactPolicy p = YAML.readValue("""
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: %s}
                spec:
                  sources: ["oci://%s/%s-*"]
                  authorities:
                    - name: corp
                      trustedRootFrom: %s
                      keyless:
                        issuer: https://token.actions.githubusercontent.com
                        github: {repository: acme/fleet, workflow: .github/workflows/push-artifact.yaml}
                """.formatted(name, artifacts.host(), prefix, trustedRootFrom), ArtifactPolicy.class);
        kube.resource(p).createOr(NonDeletingOperation::update);
        await().atMost(Duration.ofSeconds(20)).until(() -> policies.get().policies().stream()
                .anyMatch(c -> c.name().equals(name)));
    }

    HasMetadata configMap(String name, boolean labelled, Map<String, String> data) {
        var meta = new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(config.trustedRootNamespace());
        if (labelled) {
            meta.addToLabels(TrustedRootSources.LABEL, "true");
        }
        return meta.endMetadata().withData(data).build();
    }

    static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }

    /**
     * Applies a change of a referenced object and waits until the roots reflect it (every change of a root
     * starts a policy generation).
     */
    void change(HasMetadata object, boolean delete, BooleanSupplier applied) {
        long before = policies.get().generation();
        if (delete) {
            kube.resource(object).delete();
        } else {
            kube.resource(object).createOr(NonDeletingOperation::update);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> policies.get().generation() > before && applied.getAsBoolean());
    }

    String signedArtifact(String prefix) {
        String repo = SignedArtifacts.uniqueRepo(prefix, "frontend");
        Digest d = artifacts.publish(repo, "latest");
        artifacts.signBundle(repo, d, SigningRequest.github());
        return repo;
    }

    JsonNode review(String repo) throws IOException {
        String object = """
                {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"OCIRepository",
                 "metadata":{"name":"apps","namespace":"flux-system"},
                 "spec":{"interval":"5m","url":"oci://%s/%s","ref":{"tag":"latest"},
                   "verify":{"provider":"cosign","matchOIDCIdentity":[{"issuer":"^https://token\\\\.actions\\\\.githubusercontent\\\\.com$",
                     "subject":"^https://github\\\\.com/acme/fleet/\\\\.github/workflows/push-artifact\\\\.yaml@refs/heads/main$"}]}}}
                """.formatted(artifacts.host(), repo);
        HttpResponse<String> r = webhook.postJson(WebhookPaths.VALIDATE_OCIREPOSITORY, AdmissionReviews
                .create("source.toolkit.fluxcd.io/v1", "OCIRepository").resource("ocirepositories").namespace("flux-system")
                .name("apps").object(object).user("system:serviceaccount:flux-system:flux-operator").json());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("response");
    }

    PolicyStatus statusOf(String name) {
        ArtifactPolicy p = kube.resources(ArtifactPolicy.class).withName(name).get();
        return p == null ? null : p.getStatus();
    }

    @Test
    void aRootInAConfigMapVerifiesAndEveryChangeOfItIsUsedAtOnce() throws IOException {
        String name = "configmap:corp-root/trusted_root.json";
        kube.resource(configMap("corp-root", true, Map.of("trusted_root.json", text(CORP.trustedRootJson()))))
                .createOr(NonDeletingOperation::update);
        applyPolicy("tr-configmap", "trcm", "{configMapKeyRef: {name: corp-root}}");
        await().atMost(Duration.ofSeconds(20)).until(() -> roots.contains(name));
        String repo = signedArtifact("trcm");
        JsonNode ok = review(repo);
        assertThat(ok.path("allowed").asBoolean()).as(ok.toString()).isTrue();
        assertThat(ok.path("status").path("message").asText()).contains("authority corp");
        assertThat(review(repo).path("allowed").asBoolean()).as("a cached verdict").isTrue();

        // Another Sigstore's root in the same key: the verdict cached under the old root must not be reused.
        byte[] other = LocalSigstore.create().trustedRootJson();
        change(configMap("corp-root", true, Map.of("trusted_root.json", text(other))), false, () -> roots.contains(name));
        JsonNode denied = review(repo);
        assertThat(denied.path("allowed").asBoolean()).as(denied.toString()).isFalse();
        assertThat(denied.path("status").path("reason").asText()).isEqualTo("PolicyDenied");
        assertThat(denied.path("status").path("message").asText()).contains("CERTIFICATE_CHAIN");

        change(configMap("corp-root", true, Map.of("trusted_root.json", "{\"tlogs\": 1}")), false,
                () -> !roots.contains(name));
        assertThat(review(repo).path("status").path("message").asText()).contains("trusted root \"" + name
                + "\" is not loaded: ConfigMap flux-system/corp-root key trusted_root.json is not a valid trusted root: "
                + "tlogs must be an array");

        change(configMap("corp-root", true, Map.of("trusted_root.json", text(CORP.trustedRootJson()))), false,
                () -> roots.contains(name));
        assertThat(review(repo).path("allowed").asBoolean()).isTrue();

        change(configMap("corp-root", true, Map.of()), true, () -> !roots.contains(name));
        JsonNode deleted = review(repo);
        assertThat(deleted.path("allowed").asBoolean()).as("fail closed, never public-good").isFalse();
        assertThat(deleted.path("status").path("message").asText()).contains(
                "ConfigMap flux-system/corp-root does not exist or lacks the label fleetwarden.io/trusted-root");
    }

    @Test
    void aRootInASecretVerifiesToo() throws IOException {
        HasMetadata secret = new SecretBuilder().withNewMetadata().withName("corp-secret-root")
                .withNamespace(config.trustedRootNamespace()).addToLabels(TrustedRootSources.LABEL, "")
                .endMetadata().withData(Map.of("root.json", Base64.getEncoder().encodeToString(CORP.trustedRootJson())))
                .build();
        kube.resource(secret).createOr(NonDeletingOperation::update);
        applyPolicy("tr-secret", "trsec", "{secretKeyRef: {name: corp-secret-root, key: root.json}}");
        await().atMost(Duration.ofSeconds(20)).until(() -> roots.contains("secret:corp-secret-root/root.json"));
        JsonNode ok = review(signedArtifact("trsec"));
        assertThat(ok.path("allowed").asBoolean()).as(ok.toString()).isTrue();
    }

    @Test
    void aMissingRootDeniesNamingTheConfigMapAndShowsInThePolicyStatus() throws IOException {
        String name = "configmap:absent-root/trusted_root.json";
        applyPolicy("tr-missing", "trmiss", "{configMapKeyRef: {name: absent-root}}");
        await().atMost(Duration.ofSeconds(20)).until(() -> roots.unavailable(name).orElse("").contains("does not exist"));
        String repo = signedArtifact("trmiss");
        JsonNode denied = review(repo);
        assertThat(denied.path("allowed").asBoolean()).isFalse();
        assertThat(denied.path("status").path("reason").asText()).isEqualTo("PolicyDenied");
        assertThat(denied.path("status").path("message").asText()).contains("CERTIFICATE_CHAIN").contains("trusted root \""
                + name + "\" is not loaded: ConfigMap flux-system/absent-root does not exist or lacks the label "
                + "fleetwarden.io/trusted-root");
        await().atMost(Duration.ofSeconds(20)).until(() -> statusOf("tr-missing") != null
                && "TrustedRootUnavailable".equals(statusOf("tr-missing").conditions.get(0).getReason()));
        assertThat(statusOf("tr-missing").conditions.get(0).getStatus()).isEqualTo("False");
        assertThat(statusOf("tr-missing").conditions.get(0).getMessage()).contains("authority corp: trusted root \""
                + name + "\" is not loaded: ConfigMap flux-system/absent-root does not exist");

        // Without the label the object is not seen; with it but without the key, the message says so.
        kube.resource(configMap("absent-root", false, Map.of("trusted_root.json", text(CORP.trustedRootJson()))))
                .createOr(NonDeletingOperation::update);
        change(configMap("absent-root", true, Map.of("README", "the root is elsewhere")), false,
                () -> roots.unavailable(name).orElse("").contains("has no key"));
        assertThat(review(repo).path("status").path("message").asText())
                .contains("ConfigMap flux-system/absent-root has no key trusted_root.json");

        change(configMap("absent-root", true, Map.of("trusted_root.json", text(CORP.trustedRootJson()))), false,
                () -> roots.contains(name));
        assertThat(review(repo).path("allowed").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> "Compiled".equals(statusOf("tr-missing").conditions.get(0).getReason()));
    }

    @Test
    void readinessWaitsForTheTrustedRootSources() throws IOException {
        HttpResponse<String> r = webhook.get("/q/health/ready");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"trustedRootsLoaded\": true");
    }
}
