package io.fleetwarden.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FluxOverlayTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: podinfo
              labels: {app: podinfo}
            spec:
              selector: {matchLabels: {app: podinfo}}
              template:
                metadata: {labels: {app: podinfo}}
                spec:
                  containers:
                  - name: podinfo
                    image: ghcr.io/stefanprodan/podinfo:6.0.0
            """;

    private static SourceTree tree(Map<String, String> files) {
        Map<String, byte[]> bytes = new java.util.HashMap<>();
        files.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
        return SourceTree.of(bytes);
    }

    @Test
    void theKustomizationsOwnFieldsAreMergedIntoTheFileAtItsPath() {
        SourceTree t = tree(Map.of("apps/staging/kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: from-file
                namePrefix: file-
                resources: [deployment.yaml]
                """, "apps/staging/deployment.yaml", DEPLOYMENT));
        ObjectNode image = JsonNodeFactory.instance.objectNode().put("name", "ghcr.io/stefanprodan/podinfo")
                .put("newTag", "6.5.0");
        ObjectNode patch = JsonNodeFactory.instance.objectNode().put("patch", """
                - op: add
                  path: /spec/replicas
                  value: 3
                """);
        patch.putObject("target").put("kind", "Deployment");
        FluxOverlay overlay = new FluxOverlay("apps", "flux-", null, List.of(patch), List.of(image), List.of(),
                false, Map.of("team", "a"), Map.of("owner", "platform"));
        List<ObjectNode> objects = overlay.build(t, "apps/staging", Limits.DEFAULT);
        assertThat(objects.get(0).at("/metadata/labels").has("team")).as("commonMetadata is not part of the build")
                .isFalse();
        overlay.setCommonMetadata(objects);
        JsonNode d = objects.get(0);
        assertThat(d.at("/metadata/namespace").asText()).as("targetNamespace wins over the file").isEqualTo("apps");
        assertThat(d.at("/metadata/name").asText()).as("namePrefix replaces the file's").isEqualTo("flux-podinfo");
        assertThat(d.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(d.at("/spec/template/spec/containers/0/image").asText())
                .isEqualTo("ghcr.io/stefanprodan/podinfo:6.5.0");
        assertThat(d.at("/metadata/labels/team").asText()).isEqualTo("a");
        assertThat(d.at("/spec/selector/matchLabels").has("team")).as("commonMetadata leaves selectors alone")
                .isFalse();
        assertThat(d.at("/metadata/annotations/owner").asText()).isEqualTo("platform");
        assertThat(d.at("/spec/template/metadata/annotations").has("owner"))
                .as("Flux sets commonMetadata on the object only, never on its pod template (a restart)").isFalse();
    }

    @Test
    void aDirectoryWithoutKustomizationGetsFluxsGeneratedOneFirst() {
        SourceTree t = tree(Map.of("deploy/deployment.yaml", DEPLOYMENT));
        FluxOverlay overlay = new FluxOverlay("apps", null, null, List.of(), List.of(), List.of(), false, Map.of(), Map.of());
        List<ObjectNode> objects = overlay.build(t, "deploy", Limits.DEFAULT);
        assertThat(objects).singleElement().satisfies(o -> assertThat(o.at("/metadata/namespace").asText())
                .isEqualTo("apps"));
    }

    @Test
    void noOverlayBuildsTheTreeAsItIs() {
        SourceTree t = tree(Map.of("kustomization.yaml", "resources: [deployment.yaml]\n", "deployment.yaml",
                DEPLOYMENT));
        assertThat(FluxOverlay.NONE.build(t, "", Limits.DEFAULT)).singleElement()
                .satisfies(o -> assertThat(o.at("/metadata/name").asText()).isEqualTo("podinfo"));
    }

    @Test
    void aMissingPathIsAClearError() {
        SourceTree t = tree(Map.of("kustomization.yaml", "resources: []\n"));
        FluxOverlay overlay = new FluxOverlay("apps", null, null, List.of(), List.of(), List.of(), false, Map.of(), Map.of());
        assertThatThrownBy(() -> overlay.build(t, "clusters/prod", Limits.DEFAULT))
                .hasMessageContaining("clusters/prod").hasMessageContaining("no such directory");
    }

    /** fluxcd/pkg/kustomize's generator: by name, the Kustomization's fields replace the file's, tag and digest as one. */
    @Test
    void specImagesAreMergedIntoTheFilesEntriesByNameAsFluxDoes() {
        String deployments = DEPLOYMENT + "---\n" + DEPLOYMENT.replace("name: podinfo\n  labels", "name: redis\n  labels")
                .replace("ghcr.io/stefanprodan/podinfo:6.0.0", "redis:7");
        SourceTree t = tree(Map.of("kustomization.yaml", """
                resources: [deployment.yaml]
                images:
                - {name: ghcr.io/stefanprodan/podinfo, newTag: 6.1.0, digest: "sha256:%s"}
                - {name: redis, newName: mirror.example.com/redis, newTag: "7.2"}
                """.formatted("a".repeat(64)), "deployment.yaml", deployments));
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<JsonNode> images = List.of(
                f.objectNode().put("name", "ghcr.io/stefanprodan/podinfo").put("newTag", "6.5.0"),
                f.objectNode().put("name", "redis").put("newName", "registry.example.com/redis"));
        FluxOverlay overlay = new FluxOverlay(null, null, null, List.of(), images, List.of(), false, Map.of(), Map.of());
        List<ObjectNode> objects = overlay.build(t, "", Limits.DEFAULT);
        assertThat(objects.get(0).at("/spec/template/spec/containers/0/image").asText())
                .as("a new tag clears the file's digest instead of rendering tag@stale-digest")
                .isEqualTo("ghcr.io/stefanprodan/podinfo:6.5.0");
        assertThat(objects.get(1).at("/spec/template/spec/containers/0/image").asText())
                .as("a new name keeps the file's tag").isEqualTo("registry.example.com/redis:7.2");
    }

    @Test
    void aMissingComponentIsLeftOutOnlyWithIgnoreMissingComponents() {
        SourceTree t = tree(Map.of("apps/kustomization.yaml", "resources: [deployment.yaml]\n",
                "apps/deployment.yaml", DEPLOYMENT,
                "components/replicas/kustomization.yaml", """
                        apiVersion: kustomize.config.k8s.io/v1alpha1
                        kind: Component
                        replicas: [{name: podinfo, count: 2}]
                        """));
        List<String> components = List.of("../components/replicas", "../components/not-there");
        FluxOverlay ignoring = new FluxOverlay(null, null, null, List.of(), List.of(), components, true, Map.of(),
                Map.of());
        assertThat(ignoring.build(t, "apps", Limits.DEFAULT)).singleElement()
                .satisfies(o -> assertThat(o.at("/spec/replicas").asInt()).isEqualTo(2));
        FluxOverlay strict = new FluxOverlay(null, null, null, List.of(), List.of(), components, false, Map.of(),
                Map.of());
        assertThatThrownBy(() -> strict.build(t, "apps", Limits.DEFAULT)).hasMessageContaining("not-there");
    }

    @Test
    void aKustomizationFileWithoutResourcesGetsOriginAnnotationsAsFluxsGeneratorAddsThem() {
        SourceTree t = tree(Map.of("app/kustomization.yaml", """
                components: [../comp]
                configMapGenerator:
                - name: generated
                  literals: [a=b]
                """, "comp/kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1alpha1
                kind: Component
                resources: [cm.yaml]
                """, "comp/cm.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: from-component
                """));
        for (FluxOverlay overlay : List.of(FluxOverlay.NONE, new FluxOverlay("ns", null, null, List.of(), List.of(),
                List.of(), false, Map.of(), Map.of()))) {
            List<ObjectNode> objects = overlay.build(t, "app", Limits.DEFAULT);
            assertThat(objects).extracting(o -> o.path("metadata").path("annotations")
                    .path("config.kubernetes.io/origin").asText()).containsExactly(
                            "configuredIn: kustomization.yaml\nconfiguredBy:\n  apiVersion: builtin\n"
                                    + "  kind: ConfigMapGenerator\n",
                            "path: ../comp/cm.yaml\n");
        }
    }
}
