package io.fleetwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.testing.deploy.Kustomization;
import io.fleetwarden.testing.deploy.Manifests;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * After package: the Deployment the Quarkus Kubernetes extension generates (target/kubernetes/kubernetes.yml,
 * from application.properties and src/main/kubernetes/kubernetes.yml) agrees with the shipped
 * deploy/base/deployment.yaml wherever both say something, and no RBAC is generated.
 */
class GeneratedManifestsIT {

    private final List<ObjectNode> generated = Manifests.read(Path.of("target/kubernetes/kubernetes.yml"));
    private final ObjectNode shipped = Kustomization.one(Kustomization.render(Manifests.DEPLOY.resolve("base")),
            "Deployment", "fleetwarden");

    @Test
    void generatedDeploymentAgreesWithTheShippedOne() {
        ObjectNode deployment = Kustomization.one(generated, "Deployment", "fleetwarden");
        assertThat(Manifests.namespace(deployment)).isEqualTo(Manifests.namespace(shipped));
        for (String path : List.of("/spec/replicas", "/spec/template/spec/securityContext",
                "/spec/template/spec/serviceAccountName", "/spec/template/spec/containers/0/securityContext",
                "/spec/template/spec/containers/0/resources")) {
            assertThat(deployment.at(path)).as(path).isEqualTo(shipped.at(path));
        }
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        JsonNode shippedContainer = shipped.at("/spec/template/spec/containers/0");
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            assertThat(container.at("/" + probe + "/httpGet/scheme").asText()).isEqualTo("HTTPS");
            assertThat(container.at("/" + probe + "/httpGet/path")).isEqualTo(shippedContainer.at("/" + probe + "/httpGet/path"));
            assertThat(container.at("/" + probe + "/httpGet/port").asInt()).isEqualTo(8443);
        }
        assertThat(DeployManifestsTest.stream(container.path("env")).filter(e -> e.path("name").asText().equals("JAVA_TOOL_OPTIONS")))
                .singleElement().isEqualTo(DeployManifestsTest.stream(shippedContainer.path("env"))
                        .filter(e -> e.path("name").asText().equals("JAVA_TOOL_OPTIONS")).findFirst().orElseThrow());
        assertThat(DeployManifestsTest.stream(container.path("volumeMounts")).map(m -> m.path("mountPath").asText()))
                .containsExactlyInAnyOrder("/tmp", "/etc/fleetwarden/tls");
        assertThat(DeployManifestsTest.stream(deployment.at("/spec/template/spec/volumes"))
                .map(v -> v.at("/secret/secretName").asText())).contains("fleetwarden-webhook-tls");
    }

    @Test
    void noRbacIsGenerated() {
        assertThat(generated).noneMatch(o -> Manifests.kind(o).contains("Role"));
    }
}
