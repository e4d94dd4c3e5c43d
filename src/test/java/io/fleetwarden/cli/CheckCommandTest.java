package io.fleetwarden.cli;

import io.fleetwarden.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {

    static final Path D2 = Path.of("..", "shared", "fixtures", "d2");

    @TempDir
    Path dir;


    static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    /** The verdict lines: without warnings, the summary and its rows by kind. */
    static java.util.List<String> verdicts(CliRun r) {
        return r.out().lines().takeWhile(l -> !l.startsWith("summary: ")).filter(l -> !l.startsWith("  ")).toList();
    }

    static final String TENANT_NS = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: frontend, labels: {toolkit.fluxcd.io/role: tenant}}
            """;

    static String ociRepository(String name, String url, String subjectRef) {
        return """
                apiVersion: source.toolkit.fluxcd.io/v1beta2
                kind: OCIRepository
                metadata: {name: %s, namespace: frontend}
                spec:
                  interval: 5m
                  url: %s
                  ref: {tag: latest}
                  verify:
                    provider: cosign
                    matchOIDCIdentity:
                      - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                        subject: ^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@%s$
                """.formatted(name, url, subjectRef);
    }

    @Test
    void aTenantPullRequestIsJudgedOfflineObjectByObject() throws IOException {
        Path state = Files.writeString(dir.resolve("state.yaml"), TENANT_NS);
        Path pr = Files.writeString(dir.resolve("pr.yaml"), String.join("---\n",
                ociRepository("apps", "oci://ghcr.io/controlplaneio-fluxcd/d2-apps/frontend", "refs/heads/main"),
                ociRepository("loose", "oci://ghcr.io/controlplaneio-fluxcd/d2-apps/frontend", "refs/tags/.*"),
                ociRepository("elsewhere", "oci://ghcr.io/evil/apps", "refs/heads/main"),
                """
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: apps, namespace: frontend}
                spec:
                  interval: 10m
                  path: ./staging
                  prune: true
                  sourceRef: {kind: OCIRepository, name: apps, namespace: flux-system}
                """,
                """
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: apps-defaulted, namespace: frontend}
                spec:
                  interval: 10m
                  path: ./staging
                  prune: true
                  sourceRef: {kind: OCIRepository, name: apps}
                """,
                """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: ignored, namespace: frontend}
                """));
        CliRun r = cli("check", "--policy", "policies/staging", "--policy", "policies/third-party", "--policy",
                "policies/tenancy", "--offline",
                "--cluster-state", state.toString(), "-f", pr.toString());
        assertThat(r.err()).isEmpty();
        assertThat(verdicts(r)).satisfiesExactly(
                l -> assertThat(l).startsWith("WARNED OCIRepository frontend/apps (").contains("CheckedOffline"),
                l -> assertThat(l).startsWith("DENIED OCIRepository frontend/loose (").contains("VerificationSpecRejected")
                        .contains("with subject \"https://github.com/controlplaneio-fluxcd/d2-apps/.github/workflows/"
                                + "push-artifact.yaml@refs/tags/a\", which policy d2-apps-staging rejects"),
                l -> assertThat(l).startsWith("DENIED OCIRepository frontend/elsewhere (").contains("TenancyViolation"),
                l -> assertThat(l).startsWith("DENIED Kustomization frontend/apps (").contains("TenancyViolation")
                        .contains("spec.sourceRef.namespace"),
                l -> assertThat(l).startsWith("WARNED Kustomization frontend/apps-defaulted ("));
        assertThat(r.out()).contains("  warning: defaulted by the mutating webhook: [{\"op\":\"add\",\"path\":"
                + "\"/spec/serviceAccountName\",\"value\":\"flux\"}]");
        // The ConfigMap gets no line (no webhook judges it) but is counted as skipped.
        assertThat(r.out()).endsWith(String.join(System.lineSeparator(),
                "summary: 6 objects: judged 5: 2 allowed (2 with warnings), 3 denied; not judged 0; skipped 1 (no webhook "
                        + "judges their kind)",
                "  ConfigMap      skipped 1",
                "  Kustomization  judged 2: 1 allowed (1 with warnings), 1 denied",
                "  OCIRepository  judged 3: 1 allowed (1 with warnings), 2 denied", ""));
        assertThat(r.code()).isEqualTo(1);
    }

    @Test
    void theRealD2ComponentsPassWithTheExamplePolicies() throws IOException {
        // D2's app components carry no namespace: the tenant's Kustomization applies them with
        // targetNamespace set to the tenant, impersonating the tenant's "flux" service account.
        Path state = Files.writeString(dir.resolve("state.yaml"), TENANT_NS + "---\n" + TENANT_NS.replace("frontend", "backend"));
        for (String tenant : new String[] {"frontend", "backend"}) {
            CliRun r = cli("check", "--policy", "policies/staging", "--policy", "policies/third-party", "--policy",
                "policies/tenancy", "--offline",
                    "--cluster-state", state.toString(), "--namespace", tenant,
                    "-f", D2.resolve("d2-apps/components/" + tenant).toString());
            assertThat(r.err()).isEmpty();
            assertThat(r.out()).contains("OCIRepository " + tenant + "/").contains("HelmRelease " + tenant + "/")
                    .doesNotContain("DENIED");
            assertThat(r.code()).as(r.out()).isZero();
        }
    }

    @Test
    void onlineTheSignatureDecides() throws IOException {
        try (SignedArtifacts artifacts = SignedArtifacts.onSharedRegistry()) {
            String repo = SignedArtifacts.uniqueRepo("check", "frontend");
            Digest d = artifacts.publish(repo, "latest");
            artifacts.signBundle(repo, d, SigningRequest.github());
            Path root = Files.write(dir.resolve("root.json"), artifacts.sigstore().trustedRootJson());
            Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                    apiVersion: fleetwarden.io/v1alpha1
                    kind: ArtifactPolicy
                    metadata: {name: local}
                    spec:
                      sources: ["oci://%s/*"]
                      authorities:
                        - trustedRoot: local
                          keyless:
                            issuer: https://token.actions.githubusercontent.com
                            subjectRegExp: ^https://github\\.com/acme/fleet/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
                    """.formatted(artifacts.host()));
            Path manifest = Files.writeString(dir.resolve("source.yaml"), """
                    apiVersion: source.toolkit.fluxcd.io/v1
                    kind: OCIRepository
                    metadata: {name: apps, namespace: flux-system}
                    spec:
                      url: oci://%s/%s
                      ref: {tag: latest}
                      verify:
                        provider: cosign
                        matchOIDCIdentity:
                          - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                            subject: ^https://github\\.com/acme/fleet/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
                    """.formatted(artifacts.host(), repo));
            CliRun ok = cli("check", "--policy", policy.toString(), "--trusted-root", "local=" + root, "-f", manifest.toString(),
                    "--as", "system:serviceaccount:flux-system:kustomize-controller");
            assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
            assertThat(ok.out()).startsWith("ALLOWED OCIRepository flux-system/apps (").contains(": Verified: oci://");

            artifacts.publish(repo, "latest");
            CliRun moved = cli("check", "--policy", policy.toString(), "--trusted-root", "local=" + root, "-f",
                    manifest.toString(), "--as", "system:serviceaccount:flux-system:kustomize-controller");
            assertThat(moved.code()).isEqualTo(1);
            assertThat(moved.out()).startsWith("DENIED OCIRepository flux-system/apps (").contains("PolicyDenied")
                    .contains("SIGNATURE_PRESENT");
        }
    }

    @Test
    void aWarnPolicySaysWhatFailedAndThatItIsOnlyAWarning() throws IOException {
        try (SignedArtifacts artifacts = SignedArtifacts.onSharedRegistry()) {
            String repo = SignedArtifacts.uniqueRepo("check-warn", "frontend");
            Digest unsigned = artifacts.publish(repo, "latest");
            Path policy = Files.writeString(dir.resolve("warn.yaml"), """
                    apiVersion: fleetwarden.io/v1alpha1
                    kind: ArtifactPolicy
                    metadata: {name: audit}
                    spec:
                      sources: ["oci://%s/*"]
                      mode: Warn
                      authorities:
                        - keyless:
                            issuer: https://token.actions.githubusercontent.com
                            subjectRegExp: ^https://github\\.com/acme/fleet/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
                    """.formatted(artifacts.host()));
            Path manifest = Files.writeString(dir.resolve("warned.yaml"), """
                    apiVersion: source.toolkit.fluxcd.io/v1
                    kind: OCIRepository
                    metadata: {name: apps, namespace: flux-system}
                    spec:
                      url: oci://%s/%s
                      ref: {tag: latest}
                      verify:
                        provider: cosign
                        matchOIDCIdentity:
                          - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                            subject: ^https://github\\.com/acme/fleet/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
                    """.formatted(artifacts.host(), repo));
            CliRun r = cli("check", "--policy", policy.toString(), "-f", manifest.toString(), "--as",
                    "system:serviceaccount:flux-system:kustomize-controller");
            assertThat(r.code()).as(r.out() + r.err()).isZero();
            String subject = "oci://" + artifacts.host() + "/" + repo + ":latest@" + unsigned;
            assertThat(r.out().lines().limit(2)).containsExactly(
                    "WARNED OCIRepository flux-system/apps (" + manifest + "#0): AllowedWithWarnings: " + subject
                            + " is not verified as policy audit requires: admitted because it is in mode Warn, which "
                            + "warns instead of denying",
                    "  warning: Warn: " + subject + " is not signed as policy audit requires: SIGNATURE_PRESENT "
                            + "[artifact]: no cosign signature found for " + unsigned + ": neither a Sigstore bundle "
                            + "referrer nor the legacy tag " + unsigned.toString().replace(':', '-') + ".sig");
        }
    }

    @Test
    void aRootFromAConfigMapIsGivenUnderItsDerivedName() throws IOException {
        try (SignedArtifacts artifacts = SignedArtifacts.onSharedRegistry()) {
            String repo = SignedArtifacts.uniqueRepo("check-cm", "frontend");
            Digest d = artifacts.publish(repo, "latest");
            artifacts.signBundle(repo, d, SigningRequest.github());
            Path root = Files.write(dir.resolve("corp-root.json"), artifacts.sigstore().trustedRootJson());
            Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                    apiVersion: fleetwarden.io/v1alpha1
                    kind: ArtifactPolicy
                    metadata: {name: corp}
                    spec:
                      sources: ["oci://%s/*"]
                      authorities:
                        - trustedRootFrom: {configMapKeyRef: {name: corp-root}}
                          keyless:
                            issuer: https://token.actions.githubusercontent.com
                            subjectRegExp: ^https://github\\.com/acme/fleet/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
                    """.formatted(artifacts.host()));
            Path manifest = Files.writeString(dir.resolve("source.yaml"), """
                    apiVersion: source.toolkit.fluxcd.io/v1
                    kind: OCIRepository
                    metadata: {name: apps, namespace: flux-system}
                    spec:
                      url: oci://%s/%s
                      ref: {tag: latest}
                      verify:
                        provider: cosign
                        matchOIDCIdentity:
                          - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                            subject: ^https://github\\.com/acme/fleet/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
                    """.formatted(artifacts.host(), repo));
            String as = "system:serviceaccount:flux-system:kustomize-controller";
            CliRun ok = cli("check", "--policy", policy.toString(), "--trusted-root",
                    "configmap:corp-root/trusted_root.json=" + root, "-f", manifest.toString(), "--as", as);
            assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
            assertThat(ok.out()).startsWith("ALLOWED OCIRepository flux-system/apps (").contains(": Verified: oci://");

            CliRun without = cli("check", "--policy", policy.toString(), "-f", manifest.toString(), "--as", as);
            assertThat(without.code()).isEqualTo(1);
            assertThat(without.out()).startsWith("DENIED OCIRepository flux-system/apps (").contains("CERTIFICATE_CHAIN")
                    .contains("trusted root \"configmap:corp-root/trusted_root.json\" is not loaded (loaded: [public-good])");
            // picocli wraps after ':' and '.', so compare without white space.
            assertThat(new picocli.CommandLine(new FleetwardenCli()).getSubcommands().get("check").getUsageMessage()
                    .replaceAll("\\s+", "")).contains("configmap:<name>/<key>orsecret:<name>/<key>")
                    .contains("configmap:corp-root/trusted_root.json=");
        }
    }

    @Test
    void badManifestsGetAClearErrorAndAUsageExit() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "kind: [unclosed");
        CliRun r = cli("check", "--policy", "policies/staging", "-f", bad.toString(), "--offline");
        assertThat(r.code()).isEqualTo(64);
        assertThat(r.err()).startsWith("fleetwarden check: " + bad + ": not valid YAML: ");
        CliRun uncovered = cli("check", "--policy", "policies/staging", "-f", bad.toString(), "--offline", "--uncovered", "maybe");
        assertThat(uncovered.code()).isEqualTo(64);
        assertThat(uncovered.err()).isEqualTo(
                "fleetwarden check: uncovered sources: expected deny, warn or allow, got \"maybe\"" + System.lineSeparator());
        CliRun missing = cli("check", "--policy", "policies/staging", "-f", dir.resolve("nope.yaml").toString(), "--offline");
        assertThat(missing.code()).isEqualTo(64);
        assertThat(missing.err()).contains("nope.yaml: cannot read: no such file or directory");
    }

    static final String TENANT_KUSTOMIZATION = """
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: apps, namespace: frontend}
            spec:
              interval: 10m
              path: ./staging
              prune: true
              serviceAccountName: flux
              targetNamespace: kube-system
              sourceRef: {kind: OCIRepository, name: apps}
            """;

    @Test
    void aNamespaceInTheClusterStateIsUpdatedNotCreated() throws IOException {
        // The tenant's pull request drops its own tenancy label. The webhook sees an UPDATE of an existing tenant
        // namespace by a non-platform identity and denies it, so the namespace stays a tenant and the
        // Kustomization is judged as a tenant's.
        Path state = Files.writeString(dir.resolve("state.yaml"), TENANT_NS);
        Path pr = Files.writeString(dir.resolve("pr.yaml"), """
                apiVersion: v1
                kind: Namespace
                metadata: {name: frontend}
                ---
                """ + TENANT_KUSTOMIZATION);
        CliRun r = cli("check", "--policy", "policies/staging", "--policy", "policies/tenancy", "--offline",
                "--cluster-state", state.toString(), "-f", pr.toString());
        assertThat(r.err()).isEmpty();
        assertThat(verdicts(r)).satisfiesExactly(
                l -> assertThat(l).startsWith("DENIED Namespace frontend (").contains("TenancyViolation")
                        .contains("toolkit.fluxcd.io/role").contains("keep it \"tenant\""),
                l -> assertThat(l).startsWith("DENIED Kustomization frontend/apps (").contains("TenancyViolation")
                        .contains("spec.targetNamespace"));
        assertThat(r.code()).isEqualTo(1);

        // A platform identity may change it: then the namespace is no tenant any more when the rest is applied.
        CliRun platform = cli("check", "--policy", "policies/staging", "--policy", "policies/tenancy", "--offline",
                "--cluster-state", state.toString(), "-f", pr.toString(),
                "--as", "system:serviceaccount:flux-system:kustomize-controller");
        assertThat(platform.out()).as(platform.out()).contains("ALLOWED Namespace frontend (")
                .contains("ALLOWED Kustomization frontend/apps (");
        assertThat(platform.code()).isZero();
    }

    @Test
    void governedKindsInOtherServedVersionsAreJudgedOrRefused() throws IOException {
        Path state = Files.writeString(dir.resolve("state.yaml"), TENANT_NS);
        Path pr = Files.writeString(dir.resolve("pr.yaml"), String.join("---\n",
                """
                apiVersion: helm.toolkit.fluxcd.io/v2beta2
                kind: HelmRelease
                metadata: {name: podinfo, namespace: frontend}
                spec:
                  interval: 10m
                  serviceAccountName: flux
                  targetNamespace: kube-system
                  chart: {spec: {chart: podinfo, sourceRef: {kind: HelmRepository, name: podinfo}}}
                """,
                TENANT_KUSTOMIZATION.replace("kustomize.toolkit.fluxcd.io/v1", "kustomize.toolkit.fluxcd.io/v1beta2"),
                TENANT_KUSTOMIZATION.replace("kustomize.toolkit.fluxcd.io/v1", "kustomize.toolkit.fluxcd.io/v1beta1")
                        .replace("name: apps,", "name: old,"),
                """
                apiVersion: source.toolkit.fluxcd.io/v1beta2
                kind: GitRepository
                metadata: {name: evil, namespace: frontend}
                spec: {interval: 5m, url: https://github.com/evil/repo}
                """));
        CliRun r = cli("check", "--policy", "policies/staging", "--policy", "policies/tenancy", "--offline",
                "--cluster-state", state.toString(), "-f", pr.toString());
        assertThat(verdicts(r)).as(r.out()).satisfiesExactly(
                l -> assertThat(l).startsWith("DENIED HelmRelease frontend/podinfo (").contains("TenancyViolation")
                        .contains("spec.targetNamespace"),
                l -> assertThat(l).startsWith("DENIED Kustomization frontend/apps (").contains("TenancyViolation"),
                l -> assertThat(l).startsWith("DENIED Kustomization frontend/old (").contains("UnsupportedVersion")
                        .contains("apiVersion kustomize.toolkit.fluxcd.io/v1beta1"),
                l -> assertThat(l).startsWith("DENIED GitRepository frontend/evil (").contains("TenancyViolation"));
        assertThat(r.code()).isEqualTo(1);
    }

    @Test
    void everyServedVersionOfTheFluxCrdsIsJudged() throws IOException {
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        Path state = Files.writeString(dir.resolve("state.yaml"), TENANT_NS);
        int judged = 0;
        try (var crds = Files.list(Path.of("..", "shared", "fixtures", "crds"))) {
            for (Path crd : crds.sorted().toList()) {
                var spec = yaml.readTree(crd.toFile()).path("spec");
                String kind = spec.path("names").path("kind").asText();
                if (io.fleetwarden.tenancy.GovernedKind.byKind(kind).isEmpty()) {
                    continue;
                }
                for (var v : spec.path("versions")) {
                    if (!v.path("served").asBoolean()) {
                        continue;
                    }
                    String apiVersion = spec.path("group").asText() + "/" + v.path("name").asText();
                    Path f = Files.writeString(dir.resolve(kind + v.path("name").asText() + ".yaml"), """
                            apiVersion: %s
                            kind: %s
                            metadata: {name: x, namespace: frontend}
                            spec: {}
                            """.formatted(apiVersion, kind));
                    CliRun r = cli("check", "--policy", "policies/staging", "--offline", "--cluster-state",
                            state.toString(), "-f", f.toString());
                    assertThat(r.out()).as(apiVersion + " " + kind)
                            .contains(kind + " frontend/x (").doesNotContain("UnsupportedVersion");
                    judged++;
                }
            }
        }
        assertThat(judged).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aMalformedDocumentGetsItsOwnLineAndTheOthersAreJudged() throws IOException {
        Path state = Files.writeString(dir.resolve("state.yaml"), TENANT_NS);
        Path pr = Files.writeString(dir.resolve("pr.yaml"), String.join("---\n",
                TENANT_KUSTOMIZATION,
                """
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: apps
                spec: {}
                """,
                """
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: OCIRepository
                metadata:
                spec: {}
                """,
                """
                apiVersion: v1
                kind: Namespace
                metadata: {name: other, labels: {a: [b]}}
                """,
                TENANT_KUSTOMIZATION.replace("name: apps,", "name: last,")));
        CliRun r = cli("check", "--policy", "policies/staging", "--offline", "--cluster-state", state.toString(),
                "-f", pr.toString());
        assertThat(r.err()).isEmpty();
        assertThat(verdicts(r)).as(r.out()).satisfiesExactly(
                l -> assertThat(l).startsWith("DENIED Kustomization frontend/apps (" + pr + "#0)"),
                l -> assertThat(l).startsWith("DENIED Kustomization " + pr + "#1 (" + pr + "#1): Invalid: "
                        + "metadata: must be an object with a name, got a string (\"apps\")"),
                l -> assertThat(l).startsWith("DENIED OCIRepository " + pr + "#2 (" + pr + "#2): Invalid: "
                        + "metadata: must be an object with a name, got null"),
                l -> assertThat(l).contains(pr + "#3").contains("Invalid: metadata.labels.a: must be a string, got a list"),
                l -> assertThat(l).startsWith("DENIED Kustomization frontend/last (" + pr + "#4)"));
        assertThat(r.code()).isEqualTo(1);
    }

    /** Policies are cluster-scoped: a checked policy file's lines name them without a namespace. */
    @Test
    void policyFilesAreNamedWithoutANamespace() throws IOException {
        Path broken = Files.writeString(dir.resolve("broken-policy.yaml"), """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: no-sources}
                spec: {mode: Enforce}
                """);
        CliRun r = cli("check", "--policy", "policies/staging", "--offline", "-f", "policies/tenancy/d2-tenancy.yaml",
                "-f", "policies/staging/d2-apps.yaml", "-f", broken.toString());
        assertThat(verdicts(r)).as(r.out() + r.err()).satisfiesExactly(
                l -> assertThat(l).startsWith("ALLOWED TenancyPolicy d2-tenancy (policies/tenancy/d2-tenancy.yaml"),
                l -> assertThat(l).startsWith("ALLOWED ArtifactPolicy d2-apps-staging (policies/staging/d2-apps.yaml"),
                l -> assertThat(l).startsWith("DENIED ArtifactPolicy no-sources (" + broken));
    }

    /** A D2 production cluster's sources, as the pre-install check's first command saves them. */
    static final String FLUX_EXPORT = io.fleetwarden.testing.FleetSources.D2_FLUX_EXPORT;

    /** The pre-install check of docs/operations.md, run exactly as it is written there. */
    @Test
    void thePreInstallCheckOfTheOperationsGuideWorksAsWritten() throws IOException {
        String guide = Files.readString(Path.of("docs", "operations.md"));
        String block = guide.substring(guide.indexOf("```", guide.indexOf("Check the policies against the cluster's "
                + "current sources first:")) + 3);
        block = block.substring(0, block.indexOf("```")).strip();
        List<String> commands = block.replace("\\\n", " ").lines().toList();
        assertThat(commands).hasSize(3);
        assertThat(commands.get(0)).isEqualTo("kubectl get ocirepositories --all-namespaces -o yaml > sources.yaml");
        assertThat(commands.get(1)).isEqualTo("kubectl get namespaces -o yaml > namespaces.yaml");
        Files.writeString(dir.resolve("sources.yaml"), FLUX_EXPORT);
        // monitoring is one of the TenancyPolicy's platformNamespaces: its labels do not matter.
        Files.writeString(dir.resolve("namespaces.yaml"), ManifestReaderTest.KUBECTL_GET_NAMESPACES);
        List<String> args = new java.util.ArrayList<>(List.of(commands.get(2).trim().split("\\s+")));
        assertThat(args.remove(0)).isEqualTo("bin/fleetwarden");
        args.replaceAll(a -> a.endsWith(".yaml") ? dir.resolve(a).toString() : a);
        CliRun r = cli(args.toArray(String[]::new));
        assertThat(r.err()).isEmpty();
        assertThat(verdicts(r)).as(r.out()).satisfiesExactly(
                l -> assertThat(l).startsWith("WARNED OCIRepository frontend/apps (").contains("CheckedOffline"),
                l -> assertThat(l).startsWith("WARNED OCIRepository flux-system/flux-system (").contains("CheckedOffline"),
                l -> assertThat(l).startsWith("ALLOWED OCIRepository monitoring/kube-prometheus-stack (")
                        .contains("AllowedUnsigned"));
        assertThat(r.out()).contains("summary: 3 objects: judged 3: 3 allowed (2 with warnings), 0 denied; not judged 0; "
                + "skipped 0 (no webhook judges their kind)");
        assertThat(r.code()).isZero();
    }

    static final String NAMESPACE_UNKNOWN = "the labels of namespace \"frontend\" are not known, so whether it is a "
            + "tenant's cannot be decided: pass --cluster-state FILE with the cluster's Namespaces (kubectl get "
            + "namespaces -o yaml > FILE), or check the Namespace with it";

    @Test
    void aTenantSourceInANamespaceCheckKnowsNothingAboutSaysToPassTheClusterState() throws IOException {
        Path sources = Files.writeString(dir.resolve("sources.yaml"), FLUX_EXPORT + "---\n" + FLUX_EXPORT.substring(
                4, FLUX_EXPORT.indexOf("---", 4)).replace("name: apps", "name: evil")
                .replace("controlplaneio-fluxcd/d2-apps/frontend", "evil/apps"));
        CliRun r = cli("check", "--policy", "policies/production", "--policy", "policies/third-party", "--policy",
                "policies/tenancy", "--offline", "-f", sources.toString());
        assertThat(r.err()).isEmpty();
        assertThat(verdicts(r)).as(r.out()).satisfiesExactly(
                l -> assertThat(l).isEqualTo("NOT JUDGED OCIRepository frontend/apps (" + sources + "#0): NamespaceUnknown: "
                        + NAMESPACE_UNKNOWN),
                l -> assertThat(l).startsWith("WARNED OCIRepository flux-system/flux-system ("),
                l -> assertThat(l).startsWith("ALLOWED OCIRepository monitoring/kube-prometheus-stack ("),
                // Whatever the namespace, no policy covers it.
                l -> assertThat(l).startsWith("DENIED OCIRepository frontend/evil (" + sources + "#3): NotCovered: "
                        + "no ArtifactPolicy covers oci://ghcr.io/evil/apps "));
        assertThat(r.out()).contains("  warning: tenancy not judged: " + NAMESPACE_UNKNOWN);
        assertThat(r.code()).isEqualTo(1);

        // kubectl get namespaces -o yaml, as it prints it, is the cluster state.
        Path namespaces = Files.writeString(dir.resolve("namespaces.yaml"), ManifestReaderTest.KUBECTL_GET_NAMESPACES);
        CliRun known = cli("check", "--policy", "policies/production", "--policy", "policies/third-party", "--policy",
                "policies/tenancy", "--offline", "--cluster-state", namespaces.toString(), "-f", sources.toString());
        assertThat(verdicts(known)).first().asString().startsWith("WARNED OCIRepository frontend/apps (");
        assertThat(verdicts(known)).last().asString().startsWith("DENIED OCIRepository frontend/evil (")
                .contains("TenancyViolation");
    }

    @Test
    void standardInputAndListsAreRead() throws IOException {
        // kubectl get ocirepositories -A -o yaml | fleetwarden check -f -
        StringBuilder list = new StringBuilder("apiVersion: v1\nkind: List\nmetadata: {resourceVersion: \"\"}\nitems:\n");
        for (String doc : FLUX_EXPORT.substring(4).split("---\n")) {
            list.append(doc.lines().map(l -> "  " + l).collect(java.util.stream.Collectors.joining("\n"))
                    .replaceFirst("  apiVersion", "- apiVersion")).append("\n");
        }
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream(list.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            CliRun r = cli("check", "--policy", "policies/production", "--policy", "policies/third-party", "--policy",
                    "policies/tenancy", "--offline", "-f", "-");
            assertThat(verdicts(r)).as(r.out()).satisfiesExactly(
                    l -> assertThat(l).startsWith("NOT JUDGED OCIRepository frontend/apps (stdin#0.items[0]): "),
                    l -> assertThat(l).startsWith("WARNED OCIRepository flux-system/flux-system (stdin#0.items[1]): "),
                    l -> assertThat(l).startsWith("ALLOWED OCIRepository monitoring/kube-prometheus-stack (stdin#0.items[2]): "));
            assertThat(r.code()).isEqualTo(2);
        } finally {
            System.setIn(stdin);
        }
        CliRun twice = cli("check", "--policy", "policies/production", "-f", "-", "--cluster-state", "-");
        assertThat(twice.err()).isEqualTo("fleetwarden check: standard input (-) can be read once: give it to -f or to "
                + "--cluster-state" + System.lineSeparator());
        assertThat(twice.code()).isEqualTo(64);
    }

    @Test
    void jsonIsOneDocumentWithTheVerdictsAndTheSummary() throws IOException {
        Path sources = Files.writeString(dir.resolve("sources.yaml"), FLUX_EXPORT + """
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: flux-runtime-info, namespace: flux-system}
                """);
        Path namespaces = Files.writeString(dir.resolve("namespaces.yaml"), ManifestReaderTest.KUBECTL_GET_NAMESPACES);
        CliRun r = cli("check", "--policy", "policies/production", "--policy", "policies/tenancy", "--offline", "-o",
                "json", "--cluster-state", namespaces.toString(), "-f", sources.toString());
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(doc.path("verdicts")).hasSize(3);
        var first = doc.path("verdicts").get(0);
        assertThat(first.path("verdict").asText()).isEqualTo("Warned");
        assertThat(first.path("kind").asText()).isEqualTo("OCIRepository");
        assertThat(first.path("object").asText()).isEqualTo("OCIRepository frontend/apps");
        assertThat(first.path("createdBy").isNull()).isTrue();
        assertThat(first.path("source").asText()).isEqualTo(sources + "#0");
        assertThat(first.path("reason").asText()).isEqualTo("CheckedOffline");
        assertThat(first.path("message").asText()).isEqualTo("oci://ghcr.io/controlplaneio-fluxcd/d2-apps/frontend passes "
                + "the offline checks");
        assertThat(first.path("warnings")).singleElement().satisfies(w -> assertThat(w.asText())
                .isEqualTo("the artifact's signature was not checked (offline)"));
        var last = doc.path("verdicts").get(2);
        assertThat(last.path("verdict").asText()).isEqualTo("Denied");
        assertThat(last.path("reason").asText()).isEqualTo("NotCovered");
        assertThat(last.path("message").asText()).startsWith("no ArtifactPolicy covers "
                + "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack");
        var summary = doc.path("summary");
        assertThat(summary.toString()).startsWith("{\"objects\":4,\"judged\":3,\"allowed\":2,\"warned\":2,\"denied\":1,"
                + "\"unavailable\":0,\"notJudged\":0,\"skipped\":1,\"byKind\":{");
        assertThat(summary.path("byKind").path("ConfigMap").path("skipped").asInt()).isEqualTo(1);
        assertThat(summary.path("byKind").path("OCIRepository").path("denied").asInt()).isEqualTo(1);
        assertThat(r.code()).isEqualTo(1);

        CliRun yaml = cli("check", "--policy", "policies/staging", "-o", "yaml", "-f", sources.toString());
        assertThat(yaml.err()).isEqualTo("fleetwarden check: --output: expected text or json, got \"yaml\""
                + System.lineSeparator());
        assertThat(yaml.code()).isEqualTo(64);
    }

    @Test
    void judgingNothingIsAUsageErrorNotAPass() throws IOException {
        Path config = Files.writeString(dir.resolve("config.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: apps}
                ---
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [config.yaml]
                """);
        CliRun r = cli("check", "--policy", "policies/staging", "--offline", "-f", config.toString());
        assertThat(r.out()).isEqualTo(String.join(System.lineSeparator(),
                "summary: 2 objects: judged 0: 0 allowed, 0 denied; not judged 0; skipped 2 (no webhook judges their kind)",
                "  ConfigMap                                        skipped 1",
                "  Kustomization (kustomize.config.k8s.io/v1beta1)  skipped 1", ""));
        assertThat(r.err()).isEqualTo("fleetwarden check: nothing was judged: none of the 2 objects in [" + config
                + "] is of a kind the webhooks judge (OCIRepository and the other Flux sources, Kustomization, "
                + "HelmRelease, ResourceSet, Namespace, fleetwarden policies), nor does any create one"
                + System.lineSeparator());
        assertThat(r.code()).isEqualTo(64);

        Path empty = Files.createDirectory(dir.resolve("empty"));
        CliRun none = cli("check", "--policy", "policies/staging", "--offline", "-f", empty.toString());
        assertThat(none.err()).isEqualTo("fleetwarden check: nothing was judged: no Kubernetes objects in [" + empty + "]"
                + System.lineSeparator());
        assertThat(none.code()).isEqualTo(64);
    }
}
