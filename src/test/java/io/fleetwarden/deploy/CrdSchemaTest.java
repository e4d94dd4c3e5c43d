package io.fleetwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.testing.deploy.Manifests;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the shipped policy CRDs promise beyond their types. The API server prunes fields a structural schema does
 * not know before any webhook sees the object, silently unless the client asked for strict field validation
 * (UnknownPolicyFieldsIT shows it on the real API server): a misspelt optional restriction would then be dropped
 * and the policy would be wider than written. So every object of a policy's spec keeps unknown fields, and the
 * policy webhook, reading the spec strictly, refuses them. The printer columns are what {@code kubectl get} shows.
 */
class CrdSchemaTest {

    private static final Path CRDS = Manifests.DEPLOY.resolve("base/crds");

    @Test
    void everyObjectOfEveryPolicySpecKeepsUnknownFieldsForTheWebhookToRefuse() {
        for (String plural : List.of("artifactpolicies", "tenancypolicies")) {
            JsonNode spec = schema(plural).at("/properties/spec");
            List<String> objects = new ArrayList<>();
            List<String> pruning = new ArrayList<>();
            walk(spec, "spec", objects, pruning);
            assertThat(objects).as(plural).contains("spec").hasSizeGreaterThan(1);
            assertThat(pruning).as("objects of %s's spec whose unknown fields the API server would prune; annotate their "
                    + "class with @PreserveUnknownFields", plural).isEmpty();
        }
    }

    @Test
    void theStatusIsOursAndStillPruned() {
        assertThat(schema("artifactpolicies").at("/properties/status").has("x-kubernetes-preserve-unknown-fields")).isFalse();
        assertThat(schema("artifactpolicies").has("x-kubernetes-preserve-unknown-fields")).isFalse();
    }

    @Test
    void kubectlShowsModeReadyAndAgeAndWideAddsTheReadyMessage() {
        assertThat(columns("artifactpolicies")).containsExactly(
                Map.of("name", "Age", "jsonPath", ".metadata.creationTimestamp", "priority", "0"),
                Map.of("name", "Mode", "jsonPath", ".spec.mode", "priority", "0"),
                Map.of("name", "Ready", "jsonPath", ".status.conditions[?(@.type == \"Ready\")].status", "priority", "0"),
                Map.of("name", "Status", "jsonPath", ".status.conditions[?(@.type==\"Ready\")].message", "priority", "1"));
        assertThat(columns("tenancypolicies")).extracting(c -> c.get("name")).containsExactly("Age", "Ready", "Status");
        assertThat(schema("artifactpolicies").at("/properties/spec/properties/mode/default").asText()).isEqualTo("Enforce");
    }

    private static void walk(JsonNode node, String path, List<String> objects, List<String> pruning) {
        if ("object".equals(node.path("type").asText()) && node.has("properties")) {
            objects.add(path);
            if (!node.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                pruning.add(path);
            }
            node.path("properties").fields().forEachRemaining(e -> walk(e.getValue(), path + "." + e.getKey(), objects,
                    pruning));
        }
        if (node.has("items")) {
            walk(node.get("items"), path + "[]", objects, pruning);
        }
        if (node.path("additionalProperties").isObject()) {
            walk(node.get("additionalProperties"), path + "{}", objects, pruning);
        }
    }

    private static ObjectNode version(String plural) {
        ObjectNode crd = Manifests.read(CRDS.resolve(plural + ".fleetwarden.io.yaml")).get(0);
        assertThat(crd.at("/spec/versions")).hasSize(1);
        return (ObjectNode) crd.at("/spec/versions/0");
    }

    private static JsonNode schema(String plural) {
        return version(plural).at("/schema/openAPIV3Schema");
    }

    private static List<Map<String, String>> columns(String plural) {
        List<Map<String, String>> out = new ArrayList<>();
        version(plural).path("additionalPrinterColumns").forEach(c -> out.add(Map.of("name", c.path("name").asText(),
                "jsonPath", c.path("jsonPath").asText(), "priority", c.path("priority").asText())));
        return out;
    }
}
