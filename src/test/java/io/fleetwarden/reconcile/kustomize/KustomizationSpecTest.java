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

    /** Fields engine mode does not implement are named, never ignored; empty lists are what Flux treats as unset. */
    @Test
    void fieldsTheEngineDoesNotImplementAreNamedWithWhatWouldGoWrong() throws Exception {
        KustomizationSpec spec = KustomizationSpec.of("a", yaml("""
                interval: 1m
                sourceRef: {kind: OCIRepository, name: x}
                kubeConfig: {secretRef: {name: remote-kubeconfig}}
                buildMetadata: [originAnnotations, transformerAnnotations]
                """));
        assertThat(spec.unsupported()).containsExactly(
                "spec.kubeConfig: applying to another cluster is not supported in engine mode (nothing is applied to "
                        + "this cluster in its place)",
                "spec.buildMetadata: 'transformerAnnotations' is not supported in engine mode (only originAnnotations)");
        assertThat(spec.remoteCluster()).isTrue();

        KustomizationSpec unset = KustomizationSpec.of("a", yaml("""
                interval: 1m
                sourceRef: {kind: OCIRepository, name: x}
                ignore: []
                buildMetadata: [originAnnotations]
                """));
        assertThat(unset.unsupported()).isEmpty();
        assertThat(unset.overlay().buildMetadata()).containsExactly("originAnnotations");
        assertThat(unset.remoteCluster()).isFalse();
    }

    @Test
    void decryptionIsReadWithItsSecretAndOnlySopsIsAProvider() throws Exception {
        KustomizationSpec spec = KustomizationSpec.of("a", yaml("""
                interval: 1m
                sourceRef: {kind: OCIRepository, name: x}
                decryption: {provider: sops, secretRef: {name: sops-age}}
                """));
        assertThat(spec.decryption()).isEqualTo(new KustomizationSpec.Decryption("sops-age"));
        assertThat(spec.unsupported()).isEmpty();
        assertThat(KustomizationSpec.of("a", yaml("interval: 1m\nsourceRef: {kind: OCIRepository, name: x}\n"))
                .decryption()).isNull();
        assertThatThrownBy(() -> KustomizationSpec.of("a", yaml("""
                interval: 1m
                sourceRef: {kind: OCIRepository, name: x}
                decryption: {provider: vault}
                """))).hasMessage("spec.decryption.provider: must be sops, got 'vault'");
    }

    @Test
    void driftIgnoreRulesAreCompiledAndABadOneNamesItsField() throws Exception {
        KustomizationSpec spec = KustomizationSpec.of("a", yaml("""
                interval: 1m
                sourceRef: {kind: OCIRepository, name: x}
                ignore: [{paths: [/spec/replicas], target: {kind: Deployment}}]
                """));
        assertThat(spec.unsupported()).isEmpty();
        assertThat(spec.driftIgnore().isEmpty()).isFalse();
        assertThatThrownBy(() -> KustomizationSpec.of("a", yaml("""
                interval: 1m
                sourceRef: {kind: OCIRepository, name: x}
                ignore: [{paths: [/spec/replicas]}, {paths: [spec/template]}]
                """))).hasMessage("spec.ignore[1].paths[0]: \"spec/template\" is not a JSON pointer (it starts with /)");
        assertThatThrownBy(() -> KustomizationSpec.of("a", yaml("""
                interval: 1m
                sourceRef: {kind: OCIRepository, name: x}
                ignore: [{paths: [/spec/replicas], target: {kind: "Deploy(ment"}}]
                """))).hasMessageContaining("spec.ignore[0].target.kind").hasMessageContaining("regular expression");
    }

    @Test
    void substituteStrategyAndIgnoreMissingComponentsAreRead() throws Exception {
        KustomizationSpec spec = KustomizationSpec.of("a", yaml("""
                interval: 1m
                sourceRef: {kind: OCIRepository, name: x}
                components: [../c]
                ignoreMissingComponents: true
                postBuild: {substituteStrategy: Always}
                """));
        assertThat(spec.substituteAlways()).isTrue();
        assertThat(spec.overlay().ignoreMissingComponents()).isTrue();
        assertThat(KustomizationSpec.of("a", yaml("interval: 1m\nsourceRef: {kind: OCIRepository, name: x}\n"))
                .substituteAlways()).isFalse();
        assertThatThrownBy(() -> KustomizationSpec.of("a", yaml("""
                interval: 1m
                sourceRef: {kind: OCIRepository, name: x}
                postBuild: {substituteStrategy: Sometimes}
                """))).hasMessage("spec.postBuild.substituteStrategy: must be WithVariables or Always, got 'Sometimes'");
    }
}
