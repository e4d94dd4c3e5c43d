package io.fleetwarden.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class EngineIndexTest {

    private static GenericKubernetesResource kustomization(String sourceRef) {
        return Serialization.unmarshal("""
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: apps, namespace: tenant}
                spec: {interval: 10m, sourceRef: %s}
                """.formatted(sourceRef), GenericKubernetesResource.class);
    }

    @Test
    void aKustomizationIsIndexedUnderTheOciRepositoryItReads() {
        assertThat(Engine.ociSourceOf(kustomization("{kind: OCIRepository, name: apps}"))).contains("tenant/apps");
        assertThat(Engine.ociSourceOf(kustomization("{kind: OCIRepository, name: fleet, namespace: flux-system}")))
                .contains("flux-system/fleet");
    }

    @Test
    void otherSourcesAreNotIndexed() {
        assertThat(Engine.ociSourceOf(kustomization("{kind: GitRepository, name: apps}"))).isEmpty();
        assertThat(Engine.ociSourceOf(kustomization("{kind: OCIRepository}"))).isEmpty();
    }

    @Test
    void anObjectIsIndexedUnderTheNamesOfWhatItDependsOn() {
        GenericKubernetesResource ks = Serialization.unmarshal("""
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: apps, namespace: tenant}
                spec:
                  interval: 10m
                  sourceRef: {kind: OCIRepository, name: apps}
                  dependsOn: [{name: infra}, {name: infra, namespace: flux-system}, {name: crds, namespace: other}]
                """, GenericKubernetesResource.class);
        assertThat(Engine.dependencyNames(ks)).containsExactly("infra", "crds");
        assertThat(Engine.dependencyNames(kustomization("{kind: OCIRepository, name: apps}"))).isEmpty();
    }
}
