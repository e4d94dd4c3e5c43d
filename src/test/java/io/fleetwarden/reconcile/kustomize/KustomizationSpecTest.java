package io.fleetwarden.reconcile.kustomize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fleetwarden.apply.DeletionPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KustomizationSpecTest {

    private static JsonNode yaml(String s) throws Exception {
        return new YAMLMapper().readTree(s);
    }

    @Test
    void d2sAppsKustomizationAsFluxDefaultsIt() throws Exception {
        KustomizationSpec spec = KustomizationSpec.of("apps", yaml("""
                interval: 10m
                sourceRef: {kind: OCIRepository, name: apps}
                path: ./staging/
                prune: true
                wait: true
                serviceAccountName: flux-apps
                targetNamespace: apps
                dependsOn: [{name: infra, namespace: flux-system}, {name: policies}]
                postBuild:
                  substitute: {CLUSTER: staging}
                  substituteFrom: [{kind: ConfigMap, name: runtime-info, optional: true}]
                """));
        assertThat(spec.sourceNamespace()).isEqualTo("apps");
        assertThat(spec.path()).isEqualTo("staging");
        assertThat(spec.retryInterval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(spec.timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(spec.deletionPolicy()).isEqualTo(DeletionPolicy.MIRROR_PRUNE);
        assertThat(spec.dependsOn()).extracting(KustomizationSpec.Dependency::namespace)
                .containsExactly("flux-system", "apps");
        assertThat(spec.overlay().targetNamespace()).isEqualTo("apps");
        assertThat(spec.substitute()).containsEntry("CLUSTER", "staging");
        assertThat(spec.substituteFrom()).singleElement().satisfies(f -> assertThat(f.optional()).isTrue());
    }

    @Test
    void aPathThatLeavesTheArtifactIsRefused() {
        assertThatThrownBy(() -> KustomizationSpec.of("a", yaml("""
                interval: 1m
                sourceRef: {kind: OCIRepository, name: x}
                path: ./apps/../../etc
                """))).hasMessage("spec.path: \"./apps/../../etc\" leaves the artifact");
    }

    @Test
    void theRootPathIsTheEmptyPath() {
        assertThat(KustomizationSpec.normalise("./")).isEmpty();
        assertThat(KustomizationSpec.normalise(".")).isEmpty();
        assertThat(KustomizationSpec.normalise("/clusters/staging")).isEqualTo("clusters/staging");
    }

    @Test
    void aMissingSourceRefOrIntervalNamesTheField() {
        assertThatThrownBy(() -> KustomizationSpec.of("a", yaml("interval: 1m")))
                .hasMessage("spec.sourceRef: kind and name are required");
        assertThatThrownBy(() -> KustomizationSpec.of("a", yaml("sourceRef: {kind: OCIRepository, name: x}")))
                .hasMessage("spec.interval: is required");
    }
}
