package io.fleetwarden.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every refusal names the file and the field, and never yields a partial build. */
class KustomizeBuilderErrorsTest {

    private static final String CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n";

    private static SourceTree tree(String... pathsAndContents) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            files.put(pathsAndContents[i], pathsAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return SourceTree.of(files);
    }

    @Test
    void remoteBasesAreRefused() {
        for (String remote : new String[] {"https://github.com/acme/fleet//base?ref=v1", "github.com/acme/fleet/base",
                "git@github.com:acme/fleet.git", "ssh://git@example.com/fleet.git"}) {
            assertThatThrownBy(() -> KustomizeBuilder.build(tree("app/kustomization.yaml", "resources:\n- " + remote
                    + "\n"), "app")).isInstanceOf(RenderException.class)
                    .hasMessageStartingWith("app/kustomization.yaml: resources[0]: remote location")
                    .hasMessageContaining("refused");
        }
    }

    @Test
    void unsupportedFieldsAreNamedWithTheirFile() {
        assertThatThrownBy(() -> KustomizeBuilder.build(tree("kustomization.yaml", "resources: []\nhelmCharts:\n"
                + "- name: x\n"), "")).isInstanceOf(RenderException.class)
                .hasMessage("kustomization.yaml: helmCharts: field not supported by fleetwarden's kustomize builder "
                        + "(see docs/kustomize.md)");
        assertThatThrownBy(() -> KustomizeBuilder.build(tree("kustomization.yaml", "resources: [cm.yaml]\n"
                + "patches:\n- path: p.yaml\n  options:\n    allowNameChange: true\n", "cm.yaml", CM), ""))
                .isInstanceOf(RenderException.class).hasMessageStartingWith("kustomization.yaml: patches[0].options: "
                        + "unsupported patch field");
        assertThatThrownBy(() -> KustomizeBuilder.build(tree("kustomization.yaml", "configMapGenerator:\n- name: x\n"
                + "  kvSources: []\n"), "")).isInstanceOf(RenderException.class)
                .hasMessageStartingWith("kustomization.yaml: configMapGenerator[0].kvSources: unsupported");
        assertThatThrownBy(() -> KustomizeBuilder.build(tree("kustomization.yaml", "resources: [cm.yaml]\n"
                + "configurations: [c.yaml]\n", "cm.yaml", CM, "c.yaml", "varReference: []\n"), ""))
                .isInstanceOf(RenderException.class).hasMessageStartingWith("c.yaml: varReference: unsupported");
    }

    @Test
    void pathsMayNotLeaveTheSource() {
        assertThatThrownBy(() -> KustomizeBuilder.build(tree("app/kustomization.yaml", "resources:\n- ../../etc/x.yaml\n"),
                "app")).isInstanceOf(RenderException.class)
                .hasMessage("app/kustomization.yaml: resources[0]: path '../../etc/x.yaml' leaves the root of the source");
        assertThatThrownBy(() -> KustomizeBuilder.build(tree("kustomization.yaml", "resources:\n- /etc/passwd\n"), ""))
                .isInstanceOf(RenderException.class).hasMessageContaining("absolute path '/etc/passwd' refused");
        assertThatThrownBy(() -> KustomizeBuilder.build(tree("a/kustomization.yaml", "resources: []\n"), "../a"))
                .isInstanceOf(RenderException.class).hasMessageContaining("leaves the root");
    }

    @Test
    void missingFilesAreNamed() {
        assertThatThrownBy(() -> KustomizeBuilder.build(tree("kustomization.yaml", "resources:\n- gone.yaml\n"), ""))
                .isInstanceOf(RenderException.class)
                .hasMessage("kustomization.yaml: resources[0]: 'gone.yaml' does not exist");
        assertThatThrownBy(() -> KustomizeBuilder.build(tree("kustomization.yaml", "configMapGenerator:\n- name: x\n"
                + "  files: [nope.txt]\n"), "")).isInstanceOf(RenderException.class)
                .hasMessage("kustomization.yaml: configMapGenerator[0].files[0]: 'nope.txt' does not exist");
    }

    @Test
    void limitsAreEnforcedAndNamed() {
        SourceTree t = tree("kustomization.yaml", "resources: [a.yaml, b.yaml]\n", "a.yaml", CM, "b.yaml",
                CM.replace("cm", "cm2"));
        assertThat(KustomizeBuilder.build(t, "")).hasSize(2);
        assertThatThrownBy(() -> KustomizeBuilder.build(t, "", new Limits(2, 1 << 20, 100, 5)))
                .isInstanceOf(RenderException.class).hasMessageContaining("(limit maxFiles)");
        assertThatThrownBy(() -> KustomizeBuilder.build(t, "", new Limits(100, 100, 100, 5)))
                .isInstanceOf(RenderException.class).hasMessageContaining("(limit maxBytes)");
        assertThatThrownBy(() -> KustomizeBuilder.build(t, "", new Limits(100, 1 << 20, 1, 5)))
                .isInstanceOf(RenderException.class).hasMessageContaining("(limit maxDocuments)");
        SourceTree deep = tree("a/kustomization.yaml", "resources: [../b]\n", "b/kustomization.yaml",
                "resources: [../c]\n", "c/kustomization.yaml", "resources: [cm.yaml]\n", "c/cm.yaml", CM);
        assertThat(KustomizeBuilder.build(deep, "a")).hasSize(1);
        assertThatThrownBy(() -> KustomizeBuilder.build(deep, "a", new Limits(100, 1 << 20, 100, 2)))
                .isInstanceOf(RenderException.class).hasMessage("c: kustomizations nested deeper than 2 (limit maxDepth)");
    }

    @Test
    void cyclesAreRefused() {
        SourceTree t = tree("a/kustomization.yaml", "resources: [../b]\n", "b/kustomization.yaml", "resources: [../a]\n");
        assertThatThrownBy(() -> KustomizeBuilder.build(t, "a")).isInstanceOf(RenderException.class)
                .hasMessage("a: cycle: a -> b -> a");
    }

    @Test
    void componentsAndKustomizationsAreNotInterchangeable() {
        assertThatThrownBy(() -> KustomizeBuilder.build(tree("kustomization.yaml", "components: [c]\n",
                "c/kustomization.yaml", "resources: []\n"), "")).isInstanceOf(RenderException.class)
                .hasMessage("c/kustomization.yaml: kind: a component must have kind Component, not Kustomization");
        assertThatThrownBy(() -> KustomizeBuilder.build(tree("kustomization.yaml", "resources: [c]\n",
                "c/kustomization.yaml", "kind: Component\n"), "")).isInstanceOf(RenderException.class)
                .hasMessage("c/kustomization.yaml: kind: expected kind Kustomization, not Component (list it under "
                        + "components)");
    }

    @Test
    void aDirectoryWithoutKustomizationGetsFluxsGeneratedOne() {
        SourceTree t = tree("cluster/apps.yaml", CM, "cluster/infra/kustomization.yaml", "resources: [cm.yaml]\n",
                "cluster/infra/cm.yaml", CM.replace("cm", "infra"), "cluster/infra/ignored.yaml", "not: kubernetes\n",
                "cluster/nested/deeper.yml", CM.replace("cm", "deeper"), "cluster/README.md", "# not yaml\n");
        assertThat(GeneratedKustomization.of(t, "cluster").path("resources").toString())
                .isEqualTo("[\"apps.yaml\",\"infra\",\"nested/deeper.yml\"]");
        assertThat(KustomizeBuilder.build(t, "cluster")).extracting(o -> o.path("metadata").path("name").asText())
                .containsExactly("cm", "infra", "deeper");
        assertThatThrownBy(() -> KustomizeBuilder.build(tree("cluster/bad.yaml", "just: a map\n"), "cluster"))
                .isInstanceOf(RenderException.class)
                .hasMessage("cluster/bad.yaml: failed to decode Kubernetes YAML: a document without kind");
    }
}
