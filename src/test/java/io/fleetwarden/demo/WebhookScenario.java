package io.fleetwarden.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fleetwarden.admission.WebhookPaths;
import io.fleetwarden.api.v1alpha1.ArtifactPolicy;
import io.fleetwarden.api.v1alpha1.TenancyPolicy;
import io.fleetwarden.testing.AdmissionReviews;
import io.fleetwarden.testing.WebhookClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The admission half of the demo: the policy is applied to the Kubernetes API as GitOps would, then real
 * AdmissionReviews go to the running webhook over HTTPS, narrated: unsigned rejected, wrongly signed
 * rejected with the reason, signed admitted, its tag moved and the next update rejected, a tenant's
 * cross-namespace reference rejected.
 */
final class WebhookScenario {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String OPERATOR = "system:serviceaccount:flux-system:flux-operator";

    private WebhookScenario() {
    }

    /** Runs the scenario; returns how many steps did not end as narrated. */
    static int run(WebhookClient webhook, KubernetesClient kube, DemoFleet fleet, Consumer<String> say) throws IOException {
        ArtifactPolicy policy = YAML.readValue(Files.readString(fleet.policy), ArtifactPolicy.class);
        kube.resource(policy).createOr(NonDeletingOperation::update);
        // Without a TenancyPolicy every tenant object is refused; the demo's tenant lives under D2's example policy.
        TenancyPolicy tenancy = YAML.readValue(Files.readString(Path.of("policies/tenancy/d2-tenancy.yaml")),
                TenancyPolicy.class);
        kube.resource(tenancy).createOr(NonDeletingOperation::update);
        kube.resource(new NamespaceBuilder().withNewMetadata().withName("frontend")
                .addToLabels("toolkit.fluxcd.io/role", "tenant").endMetadata().build()).createOr(NonDeletingOperation::update);
        awaitPolicyLoaded(webhook);
        say.accept("== the webhook has loaded ArtifactPolicy " + policy.getMetadata().getName()
                + " and TenancyPolicy d2-tenancy from the Kubernetes API; namespace frontend is a tenant\n");
        int failed = 0;
        failed += step(webhook, say, "payments (never signed): rejected", WebhookPaths.VALIDATE_OCIREPOSITORY,
                create(ociRepository("payments", fleet.payments)), false);
        failed += step(webhook, say, "backend (signed by debug.yaml): rejected with the reason", WebhookPaths.VALIDATE_OCIREPOSITORY,
                create(ociRepository("backend", fleet.backend)), false);
        String frontend = ociRepository("frontend", fleet.frontendLatest());
        failed += step(webhook, say, "frontend (signed by push-artifact.yaml on main): admitted",
                WebhookPaths.VALIDATE_OCIREPOSITORY, create(frontend), true);
        fleet.pushUnsignedFrontend();
        failed += step(webhook, say, "(frontend's latest tag now points at an unsigned build) an update of frontend: rejected",
                WebhookPaths.VALIDATE_OCIREPOSITORY, AdmissionReviews.update("source.toolkit.fluxcd.io/v1", "OCIRepository")
                        .namespace("flux-system").name("frontend").object(frontend.replace("\"5m\"", "\"1m\""))
                        .oldObject(frontend).user(OPERATOR), false);
        failed += step(webhook, say, "tenant frontend points a Kustomization at flux-system's source: rejected",
                WebhookPaths.VALIDATE_TENANCY, AdmissionReviews.create("kustomize.toolkit.fluxcd.io/v1", "Kustomization")
                        .namespace("frontend").name("steal").user("system:serviceaccount:frontend:flux").object("""
                                {"apiVersion":"kustomize.toolkit.fluxcd.io/v1","kind":"Kustomization",
                                 "metadata":{"name":"steal","namespace":"frontend"},
                                 "spec":{"interval":"5m","path":"./","prune":true,"serviceAccountName":"flux",
                                   "sourceRef":{"kind":"OCIRepository","name":"flux-system","namespace":"flux-system"}}}
                                """), false);
        return failed;
    }

    private static int step(WebhookClient webhook, Consumer<String> say, String narration, String path,
            AdmissionReviews review, boolean expectAllowed) throws IOException {
        say.accept("# " + narration);
        say.accept("$ AdmissionReview " + review.tree().path("request").path("operation").asText() + " "
                + review.tree().path("request").path("kind").path("kind").asText() + " -> POST https://.../" + path.substring(1));
        long start = System.nanoTime();
        HttpResponse<String> r = webhook.postJson(path, review.json());
        long ms = (System.nanoTime() - start) / 1_000_000;
        JsonNode response = JSON.readTree(r.body()).path("response");
        JsonNode status = response.path("status");
        boolean allowed = response.path("allowed").asBoolean();
        say.accept("  " + (allowed ? "allowed" : "denied") + " (" + status.path("code").asInt() + " "
                + status.path("reason").asText() + ", " + ms + " ms): " + status.path("message").asText());
        boolean ok = r.statusCode() == 200 && allowed == expectAllowed;
        say.accept(ok ? "" : "  -> expected " + (expectAllowed ? "allowed" : "denied") + "\n");
        return ok ? 0 : 1;
    }

    private static AdmissionReviews create(String object) throws IOException {
        JsonNode o = JSON.readTree(object);
        return AdmissionReviews.create("source.toolkit.fluxcd.io/v1", "OCIRepository").namespace("flux-system")
                .name(o.path("metadata").path("name").asText()).object(object).user(OPERATOR);
    }

    /** An OCIRepository as a fleet repository would declare it, with spec.verify as strict as the policy. */
    static String ociRepository(String name, String ref) {
        String url = ref.substring(0, ref.lastIndexOf(':'));
        String tag = ref.substring(ref.lastIndexOf(':') + 1);
        return """
                {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"OCIRepository",
                 "metadata":{"name":"%s","namespace":"flux-system"},
                 "spec":{"interval":"5m","url":"%s","ref":{"tag":"%s"},
                   "verify":{"provider":"cosign","matchOIDCIdentity":[{
                     "issuer":"^https://token\\\\.actions\\\\.githubusercontent\\\\.com$",
                     "subject":"^https://github\\\\.com/acme/fleet-apps/\\\\.github/workflows/push-artifact\\\\.yaml@refs/heads/main$"}]}}}
                """.formatted(name, url, tag);
    }

    private static void awaitPolicyLoaded(WebhookClient webhook) throws IOException {
        Instant end = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(end)) {
            HttpResponse<String> r = webhook.get("/q/health/ready");
            JsonNode checks = JSON.readTree(r.body()).path("checks");
            for (JsonNode c : checks) {
                if (c.path("name").asText().equals("fleetwarden-gate") && c.path("data").path("artifactPolicies").asInt() > 0
                        && c.path("data").path("tenancyPolicy").asText().equals("d2-tenancy")) {
                    return;
                }
            }
            Thread.onSpinWait();
        }
        throw new IOException("the webhook did not load the demo policy within 30 s");
    }

}
