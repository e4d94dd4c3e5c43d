package io.fleetwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.CliRun;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetwarden check} judges HelmCharts and HelmReleases from OCI HelmRepositories, offline and online. */
class CheckHelmChartsTest {

    @TempDir
    Path dir;

    static final String VERIFY = """
              verify:
                provider: cosign
                matchOIDCIdentity:
                  - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                    subject: ^https://github\\.com/acme/fleet/\\.github/workflows/push-artifact\\.yaml@refs/tags/.*$
            """;

    static String helmRelease(String name, String repository, String version, String verify) {
        return """
                apiVersion: helm.toolkit.fluxcd.io/v2
                kind: HelmRelease
                metadata: {name: %s, namespace: flux-system}
                spec:
                  interval: 10m
                  chart:
                    spec:
                      chart: frontend
                      version: "%s"
                      sourceRef: {kind: HelmRepository, name: %s}
                %s""".formatted(name, version, repository, verify.indent(4));
    }

    static String helmChart(String name, String repository, String version) {
        return """
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: HelmChart
                metadata: {name: %s, namespace: flux-system}
                spec:
                  interval: 10m
                  chart: frontend
                  version: "%s"
                  sourceRef: {kind: HelmRepository, name: %s}
                %s""".formatted(name, version, repository, VERIFY);
    }

    @Test
    void chartsAreJudgedWithTheirHelmRepositoryOfflineAndOnline() throws IOException {
        try (SignedArtifacts artifacts = SignedArtifacts.onSharedRegistry()) {
            String charts = SignedArtifacts.uniqueRepo("check-helm", "charts");
            Digest signed = artifacts.publishChart(charts, "frontend", "1.0.0");
            artifacts.signBundle(charts + "/frontend", signed, SigningRequest.keyless(Identity.github()
                    .ref("refs/tags/1.0.0").build()).build());
            Digest unsigned = artifacts.publishChart(charts, "frontend", "1.1.0");
            Path root = Files.write(dir.resolve("root.json"), artifacts.sigstore().trustedRootJson());
            Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                    apiVersion: fleetwarden.io/v1alpha1
                    kind: ArtifactPolicy
                    metadata: {name: charts}
                    spec:
                      sources: ["oci://%s/*"]
                      authorities:
                        - trustedRoot: local
                          keyless:
                            issuer: https://token.actions.githubusercontent.com
                            github: {repository: acme/fleet, workflow: .github/workflows/push-artifact.yaml, refs: ["refs/tags/*"]}
                    """.formatted(artifacts.host()));
            Path manifests = Files.writeString(dir.resolve("helm.yaml"), String.join("---\n", """
                    apiVersion: source.toolkit.fluxcd.io/v1
                    kind: HelmRepository
                    metadata: {name: charts, namespace: flux-system}
                    spec: {type: oci, interval: 10m, url: "oci://%s/%s"}
                    """.formatted(artifacts.host(), charts),
                    helmChart("frontend", "charts", "1.0.0"),
                    helmChart("latest", "charts", ">=1.0.0"),
                    helmRelease("frontend", "charts", "1.0.0", VERIFY),
                    helmRelease("elsewhere", "missing", "1.0.0", VERIFY), """
                    apiVersion: helm.toolkit.fluxcd.io/v2
                    kind: HelmRelease
                    metadata: {name: by-ref, namespace: flux-system}
                    spec:
                      interval: 10m
                      chartRef: {kind: OCIRepository, name: podinfo}
                    """));
            String[] common = {"check", "--policy", policy.toString(), "--trusted-root", "local=" + root, "-f",
                    manifests.toString(), "--as", "system:serviceaccount:flux-system:kustomize-controller"};

            CliRun online = CliRun.of(common);
            assertThat(CheckCommandTest.verdicts(online)).as(online.out() + online.err()).satisfiesExactly(
                    l -> assertThat(l).startsWith("ALLOWED HelmRepository flux-system/charts ("),
                    l -> assertThat(l).startsWith("ALLOWED HelmChart flux-system/frontend (").contains(": Verified: oci://")
                            .contains("/frontend:1.0.0@" + signed),
                    l -> assertThat(l).startsWith("DENIED HelmChart flux-system/latest (").contains("PolicyDenied")
                            .contains("(chart frontend version \">=1.0.0\")").contains(":1.1.0@" + unsigned)
                            .contains("SIGNATURE_PRESENT"),
                    // Its matchOIDCIdentity is not a HelmRelease field: dropped, as the API server prunes it.
                    l -> assertThat(l).startsWith("DENIED HelmRelease flux-system/frontend (")
                            .contains("VerificationSpecRejected").contains("spec.chartRef"),
                    l -> assertThat(l).startsWith("NOT JUDGED HelmRelease flux-system/elsewhere (")
                            .contains("RepositoryNotFound").contains("HelmRepository flux-system/missing does not exist")
                            .contains("--cluster-state"),
                    l -> assertThat(l).startsWith("ALLOWED HelmRelease flux-system/by-ref (").contains("NotAnOciSource"));
            assertThat(online.out()).contains("HelmChart       judged 2: 1 allowed, 1 denied")
                    .contains("HelmRelease     judged 2: 1 allowed, 1 denied; not judged 1");
            assertThat(online.code()).isEqualTo(1);

            String[] offline = java.util.Arrays.copyOf(common, common.length + 1);
            offline[common.length] = "--offline";
            CliRun off = CliRun.of(offline);
            assertThat(CheckCommandTest.verdicts(off)).as(off.out()).satisfiesExactly(
                    l -> assertThat(l).startsWith("ALLOWED HelmRepository"),
                    l -> assertThat(l).startsWith("WARNED HelmChart flux-system/frontend (").contains("CheckedOffline"),
                    l -> assertThat(l).startsWith("WARNED HelmChart flux-system/latest (").contains("CheckedOffline"),
                    l -> assertThat(l).startsWith("DENIED HelmRelease flux-system/frontend (")
                            .contains("VerificationSpecRejected"),
                    l -> assertThat(l).startsWith("NOT JUDGED HelmRelease flux-system/elsewhere ("),
                    l -> assertThat(l).startsWith("ALLOWED HelmRelease flux-system/by-ref ("));

            // The repository from the cluster's state instead of the checked files.
            Path state = Files.writeString(dir.resolve("state.yaml"), """
                    apiVersion: source.toolkit.fluxcd.io/v1
                    kind: HelmRepository
                    metadata: {name: missing, namespace: flux-system}
                    spec: {type: oci, interval: 10m, url: "oci://%s/%s"}
                    """.formatted(artifacts.host(), charts));
            Path one = Files.writeString(dir.resolve("one.yaml"), helmChart("elsewhere", "missing", "1.0.0"));
            CliRun withState = CliRun.of("check", "--policy", policy.toString(), "--trusted-root", "local=" + root,
                    "--cluster-state", state.toString(), "-f", one.toString(), "--as",
                    "system:serviceaccount:flux-system:kustomize-controller");
            assertThat(withState.code()).as(withState.out() + withState.err()).isZero();
            assertThat(withState.out()).startsWith("ALLOWED HelmChart flux-system/elsewhere (").contains("Verified");
        }
    }
}
