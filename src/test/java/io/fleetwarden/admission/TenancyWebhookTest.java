package io.fleetwarden.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetwarden.api.v1alpha1.TenancyPolicy;
import io.fleetwarden.kube.NamespaceLabelCache;
import io.fleetwarden.kube.PolicyInformer;
import io.fleetwarden.testing.AdmissionReviews;
import io.fleetwarden.testing.D2Fixtures;
import io.fleetwarden.testing.WebhookClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tenancy webhooks over HTTPS with the real D2 layout: the tenants rendered from d2-fleet
 * (frontend and backend as tenants, cert-manager and monitoring as platform) are created in the API
 * server; D2's own objects pass, and a hostile tenant's attempts are denied with the rule and field.
 */
@QuarkusTest
class TenancyWebhookTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String FLUX_OPERATOR = "system:serviceaccount:flux-system:flux-operator";
    static final String FRONTEND = "system:serviceaccount:frontend:flux";
    final WebhookClient webhook = WebhookClient.trustingFixture();

    @Inject
    KubernetesClient kube;

    @Inject
    NamespaceLabelCache namespaces;

    @Inject
    PolicyInformer policies;

    static List<JsonNode> rendered(String file) {
        return D2Fixtures.renderResourceSet("d2-fleet/tenants/" + file, D2Fixtures.runtimeInfo("staging"));
    }

    @BeforeEach
    void createTheD2Namespaces() throws IOException {
        for (String file : List.of("apps.yaml", "infra.yaml")) {
            for (JsonNode o : rendered(file)) {
                if (o.path("kind").asText().equals("Namespace")) {
                    kube.resource(JSON.treeToValue(o, Namespace.class)).createOr(NonDeletingOperation::update);
                }
            }
        }
        await().until(() -> namespaces.labelsOf("frontend").map(l -> l.containsKey("toolkit.fluxcd.io/role")).orElse(false));
        // Without a TenancyPolicy every tenant object is refused: D2's example policy defines what they may use.
        kube.resource(new ObjectMapper(new YAMLFactory()).readValue(Files.readString(Path.of(
                "policies/tenancy/d2-tenancy.yaml")), TenancyPolicy.class)).createOr(NonDeletingOperation::update);
        await().until(() -> policies.get().tenancy().name().equals("d2-tenancy"));
    }

    JsonNode review(String path, AdmissionReviews review) throws IOException {
        HttpResponse<String> r = webhook.postJson(path, review.json());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("response");
    }

    static AdmissionReviews create(JsonNode o, String user) {
        String apiVersion = o.path("apiVersion").asText();
        return AdmissionReviews.create(apiVersion, o.path("kind").asText())
                .namespace(o.path("metadata").path("namespace").asText("")).name(o.path("metadata").path("name").asText())
                .object(o.toString()).user(user);
    }

    @Test
    void theRealD2TenantObjectsPassAsFluxOperatorAppliesThem() throws IOException {
        int judged = 0;
        for (String file : List.of("apps.yaml", "infra.yaml")) {
            for (JsonNode o : rendered(file)) {
                JsonNode response = review(WebhookPaths.VALIDATE_TENANCY, create(o, FLUX_OPERATOR));
                assertThat(response.path("allowed").asBoolean()).as(D2Fixtures.describe(o) + ": " + response).isTrue();
                judged++;
            }
        }
        assertThat(judged).isGreaterThan(10);
    }

    @Test
    void aHostileTenantIsDeniedWithTheRuleTheFieldAndWhatWouldBeAllowed() throws IOException {
        ObjectNode crossNamespace = D2Fixtures.object("""
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: steal, namespace: frontend}
                spec:
                  interval: 5m
                  path: ./
                  prune: true
                  serviceAccountName: flux
                  sourceRef: {kind: OCIRepository, name: flux-system, namespace: flux-system}
                """);
        String m = review(WebhookPaths.VALIDATE_TENANCY, create(crossNamespace, FRONTEND)).path("status").path("message").asText();
        assertThat(m).contains("[ref.cross-namespace] spec.sourceRef.namespace: must be omitted or \"frontend\"");

        ObjectNode asController = crossNamespace.deepCopy();
        ((ObjectNode) asController.path("spec")).remove("sourceRef");
        ((ObjectNode) asController.path("spec")).putObject("sourceRef").put("kind", "OCIRepository").put("name", "apps");
        ((ObjectNode) asController.path("spec")).put("serviceAccountName", "kustomize-controller");
        assertThat(review(WebhookPaths.VALIDATE_TENANCY, create(asController, FRONTEND)).path("status").path("message")
                .asText()).contains("[serviceaccount.reserved] spec.serviceAccountName");

        JsonNode ns = rendered("apps.yaml").stream().filter(o -> D2Fixtures.describe(o).equals("Namespace /frontend"))
                .findFirst().orElseThrow();
        ObjectNode relabelled = ns.deepCopy();
        ((ObjectNode) relabelled.path("metadata").path("labels")).remove("toolkit.fluxcd.io/role");
        JsonNode out = review(WebhookPaths.VALIDATE_TENANCY, AdmissionReviews.update("v1", "Namespace").name("frontend")
                .object(relabelled.toString()).oldObject(ns.toString()).user(FRONTEND));
        assertThat(out.path("allowed").asBoolean()).isFalse();
        assertThat(out.path("status").path("message").asText()).contains("toolkit.fluxcd.io/role");
    }

    @Test
    void theMutatingWebhookSetsTheTenantDefaultServiceAccount() throws IOException {
        ObjectNode k = D2Fixtures.object("""
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: apps, namespace: frontend}
                spec: {interval: 5m, path: ./staging, prune: true, sourceRef: {kind: OCIRepository, name: apps}}
                """);
        JsonNode response = review(WebhookPaths.MUTATE_TENANCY, create(k, FRONTEND));
        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
        JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
        assertThat(patch).containsExactly(JSON.valueToTree(Map.of("op", "add", "path", "/spec/serviceAccountName",
                "value", "flux")));
    }
}
