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

    @Test
    void everyProblemOfAPolicyFileIsListedWithItsLineInTheFile() throws IOException {
        Path f = Files.writeString(dir.resolve("apps.yaml"), """
                # kustomize's file may sit beside the policies
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                ---
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: apps}
                spec:
                  sources: ["oci://ghcr.io/acme/apps/*"]
                  authorities:
                    - keyless:
                        issuer: https://token.actions.githubusercontent.com
                        subjectRegexp: ^https://github\\.com/acme/apps/.*$
                        github: &github
                          repository: acme/apps
                          workfow: .github/workflows/push.yaml
                    - keyless:
                        issuer: https://token.actions.githubusercontent.com
                        github: *github
                """);
        assertThat(PolicySource.load(List.of(f), Uncovered.DENY).errors()).containsExactly(f + " (document 1): policy "
                + "apps is invalid:\n"
                + "  " + f + ":13:9: spec.authorities[0].keyless.subjectRegexp: unknown field, did you mean \"subjectRegExp\"?\n"
                + "  " + f + ":16:11: spec.authorities[0].keyless.github.workfow: unknown field, did you mean \"workflow\"?\n"
                + "  " + f + ":16:11: spec.authorities[1].keyless.github.workfow: unknown field, did you mean \"workflow\"?");
    }

    @Test
    void aTenancyPolicyFileIsReportedTheSameWay() throws IOException {
        Path f = Files.writeString(dir.resolve("tenancy.yaml"), """
                apiVersion: fleetwarden.io/v1alpha1
                kind: TenancyPolicy
                metadata:
                  name: acme
                spec:
                  platformNamespaces: [flux-system]
                  tenant:
                    - name: apps
                      namespaces: [apps]
                      sources: ["oci://ghcr.io/acme/*"]
                  exemptions:
                    - username: admin
                      operations: [CREATE, PATCH]
                      kinds: [Kustomization]
                """);
        assertThat(PolicySource.load(List.of(f), Uncovered.DENY).errors()).containsExactly(f + " (document 0): tenancy "
                + "policy acme is invalid:\n"
                + "  " + f + ":5:1: spec.tenants: at least one tenant is required (namespaces or namespaceSelector, and sources)\n"
                + "  " + f + ":7:3: spec.tenant: unknown field, did you mean \"tenants\"?\n"
                + "  " + f + ":13:28: spec.exemptions[0].operations[1]: must be CREATE, UPDATE or DELETE, got \"PATCH\"");
    }
}
