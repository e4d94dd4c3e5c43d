package io.fleetwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Manifests are read as the API server reads them (sigs.k8s.io/yaml over go-yaml v2). */
class ManifestReaderTest {

    @TempDir
    Path dir;

    private ManifestReader.Read read(String yaml) throws IOException {
        return ManifestReader.read(List.of(Files.writeString(dir.resolve("m.yaml"), yaml)));
    }

    @Test
    void aliasesAreResolvedToTheAnchorsValue() throws IOException {
        ManifestReader.Read r = read("""
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: apps, namespace: &tenant frontend, labels: {owner: *tenant}}
                spec:
                  targetNamespace: &ns kube-system
                  serviceAccountName: *ns
                """);
        assertThat(r.errors()).isEmpty();
        assertThat(r.manifests()).hasSize(1);
        assertThat(r.manifests().get(0).object().at("/spec/targetNamespace").asText()).isEqualTo("kube-system");
        assertThat(r.manifests().get(0).object().at("/spec/serviceAccountName").asText()).isEqualTo("kube-system");
        assertThat(r.manifests().get(0).object().at("/metadata/labels/owner").asText()).isEqualTo("frontend");
    }

    @Test
    void mergeKeysAreApplied() throws IOException {
        ManifestReader.Read r = read("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: frontend}
                ---
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata:
                  name: apps
                  namespace: frontend
                  annotations: &defaults {targetNamespace: kube-system, serviceAccountName: flux}
                spec:
                  <<: *defaults
                  serviceAccountName: frontend
                """);
        assertThat(r.errors()).isEmpty();
        assertThat(r.manifests()).hasSize(2).last().satisfies(m -> {
            assertThat(m.source()).endsWith("m.yaml#1");
            assertThat(m.object().at("/spec/targetNamespace").asText()).isEqualTo("kube-system");
            // An explicit key overrides a merged one, as in go-yaml.
            assertThat(m.object().at("/spec/serviceAccountName").asText()).isEqualTo("frontend");
            assertThat(m.object().path("spec").has("<<")).isFalse();
        });
    }

    @Test
    void yaml11ScalarsAsGoYamlReadsThem() throws IOException {
        ManifestReader.Read r = read("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: c}
                data: {a: yes, b: off, when: 2024-01-02, n: 0x10}
                """);
        assertThat(r.errors()).isEmpty();
        var data = r.manifests().get(0).object().path("data");
        assertThat(data.path("a").isBoolean()).isTrue();
        assertThat(data.path("b").asBoolean(true)).isFalse();
        assertThat(data.path("when").isTextual()).isTrue();
        assertThat(data.path("when").asText()).isEqualTo("2024-01-02");
        assertThat(data.path("n").asInt()).isEqualTo(16);
    }

    @Test
    void duplicateKeysAreRefusedNamingTheDocument() throws IOException {
        ManifestReader.Read r = read("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: a}
                ---
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: apps, namespace: frontend}
                spec:
                  targetNamespace: frontend
                  targetNamespace: kube-system
                """);
        assertThat(r.errors()).singleElement().asString().contains("m.yaml: not valid YAML: document #1")
                .contains("duplicate key targetNamespace");
    }

    @Test
    void aBillionLaughsIsRefusedWithAClearError() throws IOException {
        StringBuilder classic = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            classic.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                classic.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            classic.append("]\n");
        }
        // Few aliases, each doubling: under SnakeYAML's alias count, but 2^24 nodes once expanded.
        StringBuilder doubling = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nd0: &d0 [x, x]\n");
        for (int i = 1; i < 24; i++) {
            doubling.append("d").append(i).append(": &d").append(i).append(" [*d").append(i - 1).append(", *d")
                    .append(i - 1).append("]\n");
        }
        long start = System.nanoTime();
        assertThat(read(classic.toString()).errors()).singleElement().asString()
                .contains("not valid YAML: document #0").contains("aliases");
        assertThat(read(doubling.toString()).errors()).singleElement().asString()
                .contains("not valid YAML: document #0").contains("billion laughs");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    /** kubectl get namespaces -o yaml, as it prints it. */
    static final String KUBECTL_GET_NAMESPACES = """
            apiVersion: v1
            items:
            - apiVersion: v1
              kind: Namespace
              metadata:
                creationTimestamp: "2026-11-02T09:14:51Z"
                labels:
                  kubernetes.io/metadata.name: flux-system
                name: flux-system
                resourceVersion: "204"
                uid: 5b0f2c6e-8f43-4d47-9d8e-1f6a1c0d2a11
              spec:
                finalizers:
                - kubernetes
              status:
                phase: Active
            - apiVersion: v1
              kind: Namespace
              metadata:
                creationTimestamp: "2026-11-02T09:20:03Z"
                labels:
                  kubernetes.io/metadata.name: frontend
                  toolkit.fluxcd.io/role: tenant
                name: frontend
                resourceVersion: "1187"
                uid: 0c7d51a4-2b7e-4a8e-a4f5-6a3de35f0b52
              spec:
                finalizers:
                - kubernetes
              status:
                phase: Active
            kind: List
            metadata:
              resourceVersion: ""
            """;

    @Test
    void aListIsReadAsItsItems() throws IOException {
        ManifestReader.Read r = read(KUBECTL_GET_NAMESPACES + """
                ---
                apiVersion: v1
                kind: NamespaceList
                metadata: {resourceVersion: "7"}
                items:
                  - {apiVersion: v1, kind: Namespace, metadata: {name: backend}}
                """);
        assertThat(r.errors()).isEmpty();
        assertThat(r.manifests()).extracting(ManifestReader.Manifest::source)
                .allSatisfy(s -> assertThat(s).startsWith(dir.resolve("m.yaml").toString()))
                .extracting(s -> s.substring(dir.resolve("m.yaml").toString().length()))
                .containsExactly("#0.items[0]", "#0.items[1]", "#1.items[0]");
        assertThat(r.manifests().get(1).object().at("/metadata/labels/toolkit.fluxcd.io~1role").asText()).isEqualTo("tenant");
    }

    @Test
    void standardInputIsReadOnceForDash() {
        var stdin = new java.io.ByteArrayInputStream("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: frontend}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ManifestReader.Read r = ManifestReader.read(List.of(Path.of("-"), Path.of("-")), stdin);
        assertThat(r.manifests()).singleElement().satisfies(m -> assertThat(m.source()).isEqualTo("stdin#0"));
        assertThat(r.errors()).containsExactly("standard input (-) is given more than once");
    }
}
