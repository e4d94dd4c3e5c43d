package io.fleetwarden.cli;

import io.fleetwarden.testing.CliRun;
import static io.fleetwarden.cli.CheckCommandTest.cli;
import static io.fleetwarden.cli.CheckCommandTest.verdicts;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.testing.D2Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} judges what the ResourceSets and FluxInstances among the checked files would create. */
class CheckExpansionTest {

    @TempDir
    Path dir;

    static final Path STAGING = D2Fixtures.path("d2-fleet/clusters/staging/tenants.yaml").getParent();
    static final Path TENANTS = D2Fixtures.path("d2-fleet/tenants/apps.yaml").getParent();
    static final Path RUNTIME_INFO = D2Fixtures.path("d2-fleet/clusters/staging/flux-system/runtime-info.yaml");
    static final Path FLUX_INSTANCE = D2Fixtures.path("d2-fleet/clusters/staging/flux-system/flux-instance.yaml");
    static final Path FLUX_OPERATOR = D2Fixtures.path("d2-fleet/clusters/staging/flux-system/flux-operator.yaml");

    /** What D2's clusters/staging pulls that no example policy covers: Flux Operator's chart and manifests. */
    static final String FLUX_OPERATOR_POLICY = """
            apiVersion: fleetwarden.io/v1alpha1
            kind: ArtifactPolicy
            metadata: {name: flux-operator}
            spec:
              sources:
                - oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator
                - oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests
              authorities:
                - name: release
                  keyless:
                    issuer: https://token.actions.githubusercontent.com
                    subjectRegExp: ^https://github\\.com/controlplaneio-fluxcd/charts/\\.github/workflows/release\\.yml@refs/tags/v\\d+\\.\\d+\\.\\d+$
            """;

    private static CliRun check(String... args) {
        List<String> all = new ArrayList<>(List.of("check", "--offline"));
        all.addAll(List.of(args));
        return cli(all.toArray(String[]::new));
    }

    private static String line(CliRun r, String start) {
        return verdicts(r).stream().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with \"" + start + "\" in:\n" + r.out()));
    }

    @Test
    void d2StagingIsJudgedCompletelyOfflineWithWhatItsResourceSetsAndFluxInstanceCreate() throws IOException {
        // Without the environment's policies nothing D2 pulls is covered: the FluxInstance's sync source (the fleet
        // itself), the sources of the tenant ResourceSets and Flux Operator's chart and distribution are all denied,
        // where check used to say "allowed" because it never looked inside.
        CliRun uncovered = check("--policy", "policies/third-party", "--policy", "policies/tenancy",
                "--substitute-from", RUNTIME_INFO.toString(), "-f", STAGING.toString(), "-f", TENANTS.toString());
        assertThat(uncovered.err()).isEmpty();
        for (String source : List.of(
                "DENIED FluxInstance flux-system/flux \u2192 OCIRepository flux-system/flux-system (" + FLUX_INSTANCE
                        + "#0): NotCovered: no ArtifactPolicy covers oci://ghcr.io/controlplaneio-fluxcd/d2-fleet ",
                "DENIED FluxInstance flux-system/flux \u2192 distribution artifact "
                        + "oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests:latest (" + FLUX_INSTANCE
                        + "#0): NotCovered: no ArtifactPolicy covers oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests ",
                "DENIED ResourceSet flux-system/flux-operator \u2192 OCIRepository flux-system/flux-operator (" + FLUX_OPERATOR
                        + "#0): NotCovered: no ArtifactPolicy covers oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator ",
                "DENIED ResourceSet flux-system/apps \u2192 OCIRepository frontend/apps (",
                "DENIED ResourceSet flux-system/apps \u2192 OCIRepository backend/apps (",
                "DENIED ResourceSet flux-system/infra \u2192 OCIRepository cert-manager/infra (",
                "DENIED ResourceSet flux-system/infra \u2192 OCIRepository monitoring/infra (")) {
            assertThat(line(uncovered, source.substring(0, source.indexOf(" (")))).startsWith(source).contains("NotCovered");
        }
        // The ResourceSets themselves, and what they create besides sources, are judged as before.
        assertThat(line(uncovered, "ALLOWED ResourceSet flux-system/apps (")).endsWith("apps.yaml#0): Allowed");
        assertThat(line(uncovered, "ALLOWED ResourceSet flux-system/apps \u2192 Namespace frontend (")).isNotNull();
        assertThat(line(uncovered, "ALLOWED ResourceSet flux-system/infra \u2192 Kustomization cert-manager/infra-configs ("))
                .isNotNull();
        assertThat(line(uncovered, "ALLOWED FluxInstance flux-system/flux \u2192 Kustomization flux-system/flux-system ("))
                .isNotNull();
        assertThat(uncovered.out()).contains("summary: 46 objects: judged 24: 17 allowed, 7 denied; not judged 0; "
                + "skipped 22 (no webhook judges their kind)");
        assertThat(uncovered.code()).isEqualTo(1);

        // With the staging policies and one for Flux Operator's artifacts, everything it would create is admitted.
        Path policy = Files.writeString(dir.resolve("flux-operator.yaml"), FLUX_OPERATOR_POLICY);
        CliRun covered = check("--policy", "policies/staging", "--policy", "policies/third-party", "--policy",
                "policies/tenancy", "--policy", policy.toString(), "--substitute-from", RUNTIME_INFO.toString(),
                "-f", STAGING.toString(), "-f", TENANTS.toString());
        assertThat(covered.err()).isEmpty();
        assertThat(verdicts(covered)).as(covered.out()).allSatisfy(l -> assertThat(l).matches("(ALLOWED|WARNED) .*"));
        assertThat(line(covered, "WARNED ResourceSet flux-system/infra \u2192 OCIRepository monitoring/infra ("))
                .contains("CheckedOffline: oci://ghcr.io/controlplaneio-fluxcd/d2-infra/monitoring passes the offline checks");
        // The distribution artifact has no spec.verify to hold to the Enforce policy: only its signature counts.
        assertThat(line(covered, "WARNED FluxInstance flux-system/flux \u2192 distribution artifact ")).contains("CheckedOffline");
        assertThat(covered.out()).contains("  warning: Flux Operator pulls the tag latest again at every reconcile and "
                + "verifies no signature: what is judged is the artifact the tag names now; pin it by digest "
                + "(oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests@sha256:...) to keep that one");
        assertThat(covered.out()).contains("summary: 46 objects: judged 24: 24 allowed (7 with warnings), 0 denied; "
                + "not judged 0; skipped 22 (no webhook judges their kind)")
                .contains("  (distribution artifact)                          judged 1: 1 allowed (1 with warnings)")
                .contains("  Kustomization (kustomize.config.k8s.io/v1beta1)  skipped 1");
        assertThat(covered.code()).as(covered.out()).isZero();
    }

    @Test
    void postBuildVariablesLeftInASourceAreNotJudgedAsLiteral() throws IOException {
        Path policy = Files.writeString(dir.resolve("flux-operator.yaml"), FLUX_OPERATOR_POLICY);
        CliRun r = check("--policy", "policies/staging", "--policy", "policies/third-party", "--policy", "policies/tenancy",
                "--policy", policy.toString(), "-f", STAGING.toString(), "-f", TENANTS.toString());
        assertThat(line(r, "NOT JUDGED ResourceSet flux-system/apps \u2192 OCIRepository frontend/apps (")).endsWith(
                "UnresolvedVariable: spec.ref.tag holds ${ARTIFACT_TAG}; spec.verify.matchOIDCIdentity[0].subject holds "
                        + "${ARTIFACT_SUBJECT_GIT_REF}, ${ARTIFACT_SUBJECT_WORKFLOW}: Flux postBuild variables that were "
                        + "not substituted, so the source is not judged as if they were literal; give their values with "
                        + "--substitute ARTIFACT_TAG=VALUE (repeatable) or --substitute-from FILE (the ConfigMap the parent "
                        + "Kustomization substitutes from, such as a cluster's flux-runtime-info)");
        assertThat(verdicts(r).stream().filter(l -> l.startsWith("NOT JUDGED"))).hasSize(4);
        assertThat(r.out()).contains("; not judged 4; ");
        assertThat(r.code()).isEqualTo(2);

        // The URL is known, so a source no policy covers is denied whatever its tag turns out to be.
        CliRun uncovered = check("--policy", "policies/third-party", "--policy", "policies/tenancy", "-f", TENANTS.toString());
        assertThat(line(uncovered, "DENIED ResourceSet flux-system/apps \u2192 OCIRepository frontend/apps (")).contains(
                "NotCovered");
        assertThat(uncovered.code()).isEqualTo(1);

        // The variables given one by one, as Flux's spec.postBuild.substitute.
        CliRun given = check("--policy", "policies/staging", "--policy", "policies/tenancy", "-f", TENANTS.toString(),
                "--substitute", "ARTIFACT_TAG=latest", "--substitute", "ENVIRONMENT=staging", "--substitute",
                "ARTIFACT_SUBJECT_WORKFLOW=push-artifact", "--substitute", "ARTIFACT_SUBJECT_GIT_REF=refs/heads/main");
        assertThat(line(given, "WARNED ResourceSet flux-system/apps \u2192 OCIRepository frontend/apps (")).contains(
                "CheckedOffline");
        assertThat(given.code()).as(given.out()).isZero();

        // A tag bound to another ref than the one substituted is what the policy judges.
        CliRun wrongRef = check("--policy", "policies/staging", "--policy", "policies/tenancy", "-f", TENANTS.toString(),
                "--substitute-from", RUNTIME_INFO.toString(), "--substitute", "ARTIFACT_SUBJECT_GIT_REF=refs/heads/.*");
        assertThat(line(wrongRef, "DENIED ResourceSet flux-system/apps \u2192 OCIRepository frontend/apps (")).contains(
                "VerificationSpecRejected");
    }

    @Test
    void substitutionProblemsAreNamed() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: OCIRepository
                metadata: {name: apps, namespace: flux-system}
                spec: {url: "oci://ghcr.io/controlplaneio-fluxcd/d2-fleet", ref: {tag: "${TAG"}}
                """);
        CliRun r = check("--policy", "policies/staging", "--substitute", "TAG=latest", "-f", bad.toString());
        assertThat(verdicts(r)).singleElement().asString().startsWith("DENIED OCIRepository flux-system/apps (" + bad
                + "#0): SubstitutionFailed: postBuild substitution fails, so the Kustomization applying it would fail: ")
                .contains("unterminated '${'");
        assertThat(r.code()).isEqualTo(1);

        CliRun badName = check("--policy", "policies/staging", "--substitute", "1TAG=x", "-f", bad.toString());
        assertThat(badName.err()).isEqualTo("fleetwarden check: substitute: '1TAG' var name is invalid, must match "
                + "'^[_[:alpha:]][_[:alpha:][:digit:]]*$'" + System.lineSeparator());
        assertThat(badName.code()).isEqualTo(64);
        CliRun notAConfigMap = check("--policy", "policies/staging", "--substitute-from", bad.toString(), "-f", bad.toString());
        assertThat(notAConfigMap.err()).isEqualTo("fleetwarden check: --substitute-from " + bad + "#0: a OCIRepository, "
                + "not a ConfigMap or Secret" + System.lineSeparator());
        assertThat(notAConfigMap.code()).isEqualTo(64);
        Path secret = Files.writeString(dir.resolve("secret.yaml"), """
                apiVersion: v1
                kind: Secret
                metadata: {name: vars, namespace: flux-system}
                data: {TAG: bGF0ZXN0}
                """);
        Path good = Files.writeString(dir.resolve("good.yaml"), """
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: OCIRepository
                metadata: {name: apps, namespace: flux-system}
                spec: {url: "oci://ghcr.io/controlplaneio-fluxcd/d2-fleet", ref: {tag: "${TAG}"}}
                """);
        CliRun fromSecret = check("--policy", "policies/third-party", "--substitute-from", secret.toString(), "-f", good.toString());
        assertThat(verdicts(fromSecret)).singleElement().asString().contains("NotCovered");
    }

    static final String TEAM_RESOURCE_SET = """
            apiVersion: fluxcd.controlplane.io/v1
            kind: ResourceSet
            metadata: {name: team, namespace: flux-system}
            spec:
              inputsFrom:
                - %s
              resources:
                - apiVersion: source.toolkit.fluxcd.io/v1
                  kind: OCIRepository
                  metadata: {name: << inputs.team >>, namespace: flux-system}
                  spec:
                    interval: 5m
                    url: oci://ghcr.io/<< inputs.org >>/<< inputs.team >>
                    ref: {tag: latest}
            """;

    static final String TEAM_PROVIDER = """
            apiVersion: fluxcd.controlplane.io/v1
            kind: ResourceSetInputProvider
            metadata: {name: %s, namespace: flux-system, labels: {fleet: teams}}
            spec:
              type: %s
              defaultValues: {team: %s, org: evil}
            """;

    @Test
    void aResourceSetIsRenderedWithTheStaticProvidersAmongTheFiles() throws IOException {
        Path files = Files.writeString(dir.resolve("team.yaml"), TEAM_RESOURCE_SET.formatted("{name: red}") + "---\n"
                + TEAM_PROVIDER.formatted("red", "Static", "red") + "---\n" + TEAM_PROVIDER.formatted("blue", "Static", "blue")
                + "---\n" + TEAM_RESOURCE_SET.formatted("{selector: {matchLabels: {fleet: teams}}}").replace("name: team,",
                        "name: teams,"));
        CliRun r = check("--policy", "policies/third-party", "-f", files.toString());
        assertThat(verdicts(r)).as(r.out()).containsExactly(
                "ALLOWED ResourceSet flux-system/team (" + files + "#0): Allowed",
                "DENIED ResourceSet flux-system/team \u2192 OCIRepository flux-system/red (" + files + "#0): NotCovered: "
                        + "no ArtifactPolicy covers oci://ghcr.io/evil/red (1 policies loaded); ask the platform team for a "
                        + "policy naming who must sign it, or an Allow policy for a third-party source",
                "ALLOWED ResourceSet flux-system/teams (" + files + "#3): Allowed",
                "DENIED ResourceSet flux-system/teams \u2192 OCIRepository flux-system/blue (" + files + "#3): NotCovered: "
                        + "no ArtifactPolicy covers oci://ghcr.io/evil/blue (1 policies loaded); ask the platform team for a "
                        + "policy naming who must sign it, or an Allow policy for a third-party source",
                "DENIED ResourceSet flux-system/teams \u2192 OCIRepository flux-system/red (" + files + "#3): NotCovered: "
                        + "no ArtifactPolicy covers oci://ghcr.io/evil/red (1 policies loaded); ask the platform team for a "
                        + "policy naming who must sign it, or an Allow policy for a third-party source");
        assertThat(r.out()).contains("  ResourceSetInputProvider  skipped 2");
        assertThat(r.code()).isEqualTo(1);
    }

    @Test
    void aResourceSetWhoseInputsCannotBeKnownOfflineIsNotJudgedAndSaysWhy() throws IOException {
        Path missing = Files.writeString(dir.resolve("missing.yaml"), TEAM_RESOURCE_SET.formatted("{name: red}"));
        CliRun r = check("--policy", "policies/third-party", "-f", missing.toString());
        assertThat(verdicts(r)).containsExactly(
                "ALLOWED ResourceSet flux-system/team (" + missing + "#0): Allowed",
                "NOT JUDGED ResourceSet flux-system/team \u2192 the objects it creates (" + missing + "#0): InputsUnknown: "
                        + "spec.inputsFrom[0]: ResourceSetInputProvider flux-system/red is not among the checked files, "
                        + "so its inputs are not known; check it with the ResourceSet (-f)");
        assertThat(r.out()).contains("summary: 2 objects: judged 1: 1 allowed, 0 denied; not judged 1; skipped 0");
        assertThat(r.code()).isEqualTo(2);

        Path github = Files.writeString(dir.resolve("github.yaml"), TEAM_RESOURCE_SET.formatted("{name: red}") + "---\n"
                + TEAM_PROVIDER.formatted("red", "GitHubPullRequest", "red"));
        CliRun pr = check("--policy", "policies/third-party", "-f", github.toString());
        assertThat(verdicts(pr)).contains("NOT JUDGED ResourceSet flux-system/team \u2192 the objects it creates (" + github
                + "#0): InputsUnknown: ResourceSetInputProvider flux-system/red is of type GitHubPullRequest: its inputs "
                + "are fetched when Flux Operator reconciles, so what the ResourceSet creates cannot be known offline "
                + "(only Static providers are read)");
        assertThat(pr.code()).isEqualTo(2);

        // A provider in another namespace is not the ResourceSet's, as in the cluster.
        Path selector = Files.writeString(dir.resolve("selector.yaml"), TEAM_RESOURCE_SET.formatted(
                "{selector: {matchLabels: {fleet: teams}}}") + "---\n" + TEAM_PROVIDER.formatted("red", "Static", "red")
                .replace("namespace: flux-system,", "namespace: apps,"));
        CliRun none = check("--policy", "policies/third-party", "-f", selector.toString());
        assertThat(verdicts(none)).contains("NOT JUDGED ResourceSet flux-system/team \u2192 the objects it creates ("
                + selector + "#0): InputsUnknown: spec.inputsFrom[0]: no ResourceSetInputProvider in namespace flux-system "
                + "among the checked files matches its selector {\"matchLabels\":{\"fleet\":\"teams\"}}, so the inputs are "
                + "not known; check the providers with the ResourceSet (-f)");
        assertThat(none.code()).isEqualTo(2);
    }

    @Test
    void aResourceSetThatFailsToBuildIsDenied() throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.yaml"), TEAM_RESOURCE_SET.formatted("{name: red}")
                .replace("<< inputs.org >>", "<< inputs.organisation >>") + "---\n" + TEAM_PROVIDER.formatted("red",
                "Static", "red"));
        CliRun r = check("--policy", "policies/third-party", "-f", broken.toString());
        assertThat(verdicts(r)).hasSize(2).first().isEqualTo("ALLOWED ResourceSet flux-system/team (" + broken
                + "#0): Allowed");
        assertThat(verdicts(r).get(1)).startsWith("DENIED ResourceSet flux-system/team (" + broken + "#0): BuildFailed: "
                + "build failed: failed to build resources[0] (OCIRepository/<< inputs.team >>) for input set #0 from "
                + "ResourceSetInputProvider/red");
        assertThat(verdicts(r).get(1)).contains("map has no entry for key \"organisation\"")
                .endsWith("(Flux Operator would stall it: none of its objects would be applied)");
        assertThat(r.code()).isEqualTo(1);
    }

    @Test
    void aFluxInstanceSyncingFromGitSaysItsSourceIsNotJudgedBySignature() throws IOException {
        String instance = """
                apiVersion: fluxcd.controlplane.io/v1
                kind: FluxInstance
                metadata: {name: flux, namespace: flux-system}
                spec:
                  distribution:
                    version: "2.x"
                    registry: ghcr.io/fluxcd
                    artifact: oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests@sha256:%s
                  sync:
                    kind: GitRepository
                    url: https://github.com/controlplaneio-fluxcd/d2-fleet.git
                    ref: refs/heads/main
                    path: clusters/staging
                """.formatted("a".repeat(64));
        Path git = Files.writeString(dir.resolve("git.yaml"), instance);
        Path policy = Files.writeString(dir.resolve("flux-operator.yaml"), FLUX_OPERATOR_POLICY);
        CliRun r = check("--policy", policy.toString(), "-f", git.toString());
        assertThat(r.out().lines().takeWhile(l -> !l.startsWith("summary: ")).toList()).containsExactly(
                "WARNED FluxInstance flux-system/flux \u2192 distribution artifact oci://ghcr.io/controlplaneio-fluxcd/"
                        + "flux-operator-manifests@sha256:" + "a".repeat(64) + " (" + git + "#0): CheckedOffline: "
                        + "oci://ghcr.io/controlplaneio-fluxcd/flux-operator-manifests passes the offline checks",
                "  warning: the artifact's signature was not checked (offline)",
                "WARNED FluxInstance flux-system/flux \u2192 GitRepository flux-system/flux-system (" + git + "#0): Allowed",
                "  warning: the FluxInstance's sync source is a GitRepository, not an OCI source: fleetwarden judges no "
                        + "signature of it",
                "ALLOWED FluxInstance flux-system/flux \u2192 Kustomization flux-system/flux-system (" + git + "#0): Allowed");
        assertThat(r.code()).isZero();

        Path broken = Files.writeString(dir.resolve("broken.yaml"), instance.replace("    url: https://github.com/"
                + "controlplaneio-fluxcd/d2-fleet.git\n", "").replace("kind: GitRepository", "kind: HelmRepository"));
        CliRun bad = check("--policy", policy.toString(), "-f", broken.toString());
        assertThat(verdicts(bad)).contains("DENIED FluxInstance flux-system/flux (" + broken + "#0): BuildFailed: "
                + "spec.sync.kind: \"HelmRepository\" is not one of OCIRepository, GitRepository, Bucket; spec.sync.url: "
                + "is required (Flux Operator would fail to reconcile it)");
        assertThat(bad.code()).isEqualTo(1);
    }
}
