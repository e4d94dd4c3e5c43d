package io.fleetwarden.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.api.v1alpha1.ArtifactPolicy;
import io.fleetwarden.kube.PolicyInformer;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.AdmissionReviews;
import io.fleetwarden.testing.LocalSigstoreResource;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.WebhookClient;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.SigningRequest;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OCIRepository webhook end to end: real AdmissionReview documents over HTTPS, policies created as
 * custom resources in the (mock) API server and picked up live, artifacts in a real registry signed by the
 * local Sigstore.
 */
@QuarkusTest
class OciRepositoryWebhookTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static SignedArtifacts artifacts;
    final WebhookClient webhook = WebhookClient.trustingFixture();

    @Inject
    KubernetesClient kube;

    @Inject
    PolicyInformer policies;

    @BeforeAll
    static void start() {
        artifacts = new SignedArtifacts(TestRegistry.shared(), LocalSigstoreResource.sigstore());
    }

    @AfterAll
    static void stop() {
        artifacts.close();
    }

    void applyPolicy(String name, String prefix, String refs) throws IOException {
        ArtifactPolicy p = JSON.readValue(JSON.writeValueAsString(new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree("""
                        apiVersion: fleetwarden.io/v1alpha1
                        kind: ArtifactPolicy
                        metadata: {name: %s}
                        spec:
                          sources: ["oci://%s/%s-*"]
                          authorities:
                            - name: push-artifact
                              trustedRoot: local
                              keyless:
                                issuer: https://token.actions.githubusercontent.com
                                github: {repository: acme/fleet, workflow: .github/workflows/push-artifact.yaml, refs: %s}
                        """.formatted(name, artifacts.host(), prefix, refs))), ArtifactPolicy.class);
        long before = policies.get().generation();
        // The mock API server has no server-side apply (fabric8 CRUD mode); production applies with SSA via GitOps.
        kube.resource(p).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        await().atMost(Duration.ofSeconds(20)).until(() -> policies.get().generation() > before
                && policies.get().policies().stream().anyMatch(c -> c.name().equals(name) && c.sources().get(0).contains(prefix)));
    }

    static String ociRepository(String repo, String tag, String ref) {
        return """
                {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"OCIRepository",
                 "metadata":{"name":"apps","namespace":"flux-system"},
                 "spec":{"interval":"5m","url":"oci://%s/%s","ref":{"tag":"%s"},
                   "verify":{"provider":"cosign","matchOIDCIdentity":[{"issuer":"^https://token\\\\.actions\\\\.githubusercontent\\\\.com$",
                     "subject":"^https://github\\\\.com/acme/fleet/\\\\.github/workflows/push-artifact\\\\.yaml@%s$"}]}}}
                """.formatted(artifacts.host(), repo, tag, ref.replace(".", "\\\\."));
    }

    JsonNode review(AdmissionReviews review) throws IOException {
        HttpResponse<String> r = webhook.postJson(WebhookPaths.VALIDATE_OCIREPOSITORY, review.json());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode response = JSON.readTree(r.body()).path("response");
        assertThat(response.path("uid").asText()).isEqualTo(review.uid());
        return response;
    }

    static AdmissionReviews create(String object) {
        return AdmissionReviews.create("source.toolkit.fluxcd.io/v1", "OCIRepository").resource("ocirepositories")
                .namespace("flux-system").name("apps").object(object).user("system:serviceaccount:flux-system:flux-operator");
    }

    @Test
    void signedIsAdmittedUnsignedAndWronglySignedAreDeniedWithTheReason() throws IOException {
        applyPolicy("wh-staging", "wh-a", "[refs/heads/main]");
        String signed = SignedArtifacts.uniqueRepo("wh-a", "frontend");
        Digest d = artifacts.publish(signed, "latest");
        artifacts.signBundle(signed, d, SigningRequest.github());
        JsonNode ok = review(create(ociRepository(signed, "latest", "refs/heads/main")));
        assertThat(ok.path("allowed").asBoolean()).as(ok.toString()).isTrue();
        assertThat(ok.path("status").path("reason").asText()).isEqualTo("Verified");
        assertThat(review(create(ociRepository(signed, "latest", "refs/heads/main"))).path("allowed").asBoolean()).isTrue();
        assertThat(webhook.get("/q/metrics").body()).containsPattern(
                "fleetwarden_admission_requests_total\\{[^}]*cache=\"hit\"[^}]*path=\"/validate/ocirepository\"[^}]*reason=\"Verified\"")
                // The warm review still resolved the tag: its wait for the registry is measured.
                .containsPattern("fleetwarden_admission_registry_wait_seconds_count\\{cache=\"hit\",path=\"/validate/ocirepository\"\\} [1-9]");

        String unsigned = SignedArtifacts.uniqueRepo("wh-a", "payments");
        artifacts.publish(unsigned, "latest");
        JsonNode no = review(create(ociRepository(unsigned, "latest", "refs/heads/main")));
        assertThat(no.path("allowed").asBoolean()).isFalse();
        assertThat(no.path("status").path("code").asInt()).isEqualTo(403);
        assertThat(no.path("status").path("reason").asText()).isEqualTo("PolicyDenied");
        assertThat(no.path("status").path("message").asText()).contains("SIGNATURE_PRESENT");

        String wrong = SignedArtifacts.uniqueRepo("wh-a", "backend");
        Digest w = artifacts.publish(wrong, "latest");
        artifacts.signBundle(wrong, w, SigningRequest.keyless(Identity.github().workflowFile("debug.yaml").build()).build());
        JsonNode bad = review(create(ociRepository(wrong, "latest", "refs/heads/main")));
        assertThat(bad.path("allowed").asBoolean()).isFalse();
        assertThat(bad.path("status").path("message").asText())
                .contains("WORKFLOW").contains("workflow is \".github/workflows/debug.yaml\"");
    }

    @Test
    void aPolicyEditThatNarrowsTheIdentityDeniesWithoutRestart() throws IOException {
        applyPolicy("wh-narrow", "wh-b", "[refs/heads/main, refs/heads/release]");
        String repo = SignedArtifacts.uniqueRepo("wh-b", "frontend");
        Digest d = artifacts.publish(repo, "latest");
        artifacts.signBundle(repo, d, SigningRequest.github());
        String object = ociRepository(repo, "latest", "refs/heads/main");
        JsonNode allowed = review(create(object));
        assertThat(allowed.path("allowed").asBoolean()).as(allowed.toString()).isTrue();

        applyPolicy("wh-narrow", "wh-b", "[refs/heads/release]");
        JsonNode denied = review(create(object));
        assertThat(denied.path("allowed").asBoolean()).isFalse();
        assertThat(denied.path("status").path("message").asText()).contains("refs/heads/main")
                .contains("policy wh-narrow");
    }

    @Test
    void anUnreachableRegistryIsUnavailableButBookkeepingIsNotInTheWay() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        applyPolicy("wh-down", "wh-c", "[refs/heads/main]");
        String object = ociRepository("wh-c-x/app", "latest", "refs/heads/main").replace(artifacts.host(), "127.0.0.1:" + closed);
        String policyFor = "oci://127.0.0.1:" + closed + "/wh-c-*";
        kube.resource(JSON.readValue(JSON.writeValueAsString(JSON.readTree("""
                {"apiVersion":"fleetwarden.io/v1alpha1","kind":"ArtifactPolicy","metadata":{"name":"wh-down-port"},
                 "spec":{"sources":["%s"],"authorities":[{"trustedRoot":"local","keyless":{
                   "issuer":"https://token.actions.githubusercontent.com","github":{"repository":"acme/fleet"}}}]}}
                """.formatted(policyFor))), ArtifactPolicy.class)).createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        await().atMost(Duration.ofSeconds(20)).until(() -> policies.get().policies().stream()
                .anyMatch(c -> c.name().equals("wh-down-port")));

        JsonNode down = review(create(object));
        assertThat(down.path("allowed").asBoolean()).isFalse();
        assertThat(down.path("status").path("code").asInt()).isEqualTo(503);
        assertThat(down.path("status").path("reason").asText()).isEqualTo("Unavailable");

        // Controllers removing finalizers, status writes and deletions pass without a registry call.
        String withFinalizer = object.replace("\"namespace\":\"flux-system\"",
                "\"namespace\":\"flux-system\",\"finalizers\":[\"finalizers.fluxcd.io\"]");
        assertThat(review(AdmissionReviews.update("source.toolkit.fluxcd.io/v1", "OCIRepository").namespace("flux-system")
                .name("apps").object(object).oldObject(withFinalizer)).path("allowed").asBoolean()).isTrue();
        assertThat(review(AdmissionReviews.update("source.toolkit.fluxcd.io/v1", "OCIRepository").namespace("flux-system")
                .name("apps").subResource("status").object(object).oldObject(object)).path("allowed").asBoolean()).isTrue();
        assertThat(review(AdmissionReviews.delete("source.toolkit.fluxcd.io/v1", "OCIRepository").namespace("flux-system")
                .name("apps").oldObject(object)).path("allowed").asBoolean()).isTrue();
    }

    @Test
    void anInvalidPolicyIsRejectedWithEveryFieldPath() throws IOException {
        HttpResponse<String> r = webhook.postJson(WebhookPaths.VALIDATE_POLICY, AdmissionReviews
                .create("fleetwarden.io/v1alpha1", "ArtifactPolicy").resource("artifactpolicies").name("broken")
                .object("""
                        {"apiVersion":"fleetwarden.io/v1alpha1","kind":"ArtifactPolicy","metadata":{"name":"broken"},
                         "spec":{"sources":["oci://ghcr.io/acme/*"],"authorities":[
                           {"keyless":{"issuer":"x","subjectRegExp":"(unclosed"}},{"key":{"publicKey":"nope"}}]}}
                        """).json());
        JsonNode response = JSON.readTree(r.body()).path("response");
        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("message").asText())
                .contains("spec.authorities[0].keyless.subjectRegExp: invalid RE2 regular expression")
                .contains("spec.authorities[1].key.publicKey: not a PEM public key");
    }

    @Test
    void readyOnlyWithPoliciesAndTrustedRootsLoaded() throws IOException {
        HttpResponse<String> r = webhook.get("/q/health/ready");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("fleetwarden-gate").contains("\"policiesLoaded\": true");
    }

}
