package io.fleetwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.platform.Uncovered;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policy files given to the CLI are read as the API server reads them when Flux applies them. */
class PolicySourceTest {

    @TempDir
    Path dir;

    @Test
    void aliasesAndMergeKeysInAPolicyFileAreResolved() throws IOException {
        Path f = Files.writeString(dir.resolve("policy.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: unrelated}
                ---
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata:
                  name: aliased
                  annotations: {source: &src "oci://ghcr.io/acme/apps/*"}
                spec:
                  sources: [*src]
                  mode: Allow
                """);
        PolicySource.Loaded loaded = PolicySource.load(List.of(f), Uncovered.DENY);
        assertThat(loaded.errors()).isEmpty();
        assertThat(loaded.snapshot().policies()).singleElement()
                .satisfies(p -> assertThat(p.sources()).containsExactly("oci://ghcr.io/acme/apps/*"));
    }

    @Test
    void aDuplicateKeyInAPolicyFileIsAnErrorNamingTheDocument() throws IOException {
        Path f = Files.writeString(dir.resolve("policy.yaml"), """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: twice}
                spec:
                  mode: Allow
                  mode: Enforce
                  sources: ["oci://ghcr.io/acme/apps/*"]
                """);
        assertThat(PolicySource.load(List.of(f), Uncovered.DENY).errors()).singleElement().asString()
                .startsWith(f + ": not valid YAML: document #0").contains("duplicate key mode");
    }
}
