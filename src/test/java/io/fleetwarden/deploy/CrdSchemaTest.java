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

/** What the shipped policy CRDs promise beyond their types: the printer columns are what {@code kubectl get} shows. */
class CrdSchemaTest {

    private static final Path CRDS = Manifests.DEPLOY.resolve("base/crds");

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
