package io.fleetwarden.cli;

import io.fleetwarden.testing.CliRun;
import static io.fleetwarden.cli.CheckCommandTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.testing.D2Fixtures;
import io.fleetwarden.testing.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fleetwarden test}: declared decisions compared with what check judges. */
class TestCommandTest {

    @TempDir
    Path dir;

    static final String NL = System.lineSeparator();
    static final Path POLICIES = Path.of("policies").toAbsolutePath();

    /** Sources and objects of our own: a covered platform source, an uncovered one, and a ConfigMap. */
    static final String SOURCES = """
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: OCIRepository
            metadata: {name: fleet, namespace: flux-system}
            spec:
              interval: 1m
              url: oci://ghcr.io/controlplaneio-fluxcd/d2-fleet
              ref: {tag: latest}
              verify:
                provider: cosign
                matchOIDCIdentity:
                  - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                    subject: ^https://github\\.com/controlplaneio-fluxcd/d2-fleet/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
            ---
            apiVersion: source.toolkit.fluxcd.io/v1
            kind: OCIRepository
            metadata: {name: dashboards, namespace: flux-system}
            spec:
              interval: 10m
              url: oci://ghcr.io/example-org/dashboards
              ref: {tag: latest}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: flux-system}
            """;

    /** A test directory {@code name} holding SOURCES and a test file whose results are {@code results}. */
    private Path test(String name, String results) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.writeString(d.resolve("sources.yaml"), SOURCES);
        Files.writeString(d.resolve(TestSpec.FILE_NAME), """
                apiVersion: cli.fleetwarden.io/v1alpha1
                kind: Test
                metadata: {name: %s}
                policies: [%s, %s]
                resources: [sources.yaml]
                results:
                %s""".formatted(name, POLICIES.resolve("staging"), POLICIES.resolve("third-party"), results));
        return d;
    }

    @Test
    void theExampleSuitePasses() {
        CliRun r = cli("test", "policy-tests");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("test staging-sources (policy-tests/staging-sources/" + TestSpec.FILE_NAME + ")")
                .contains("PASS staging-sources: ", "PASS tenant-resourceset: ", "PASS production-tags: ")
                .doesNotContain("  FAIL ").doesNotContain("NOT ASSERTED")
                .containsPattern("summary: 3 tests: 3 passed, 0 failed, 0 unavailable, 0 invalid; \\d+ expected results: "
                        + "\\d+ passed, 0 failed, 0 unavailable; 0 objects not asserted");
        assertThat(r.code()).as(r.out()).isZero();
        // Every judged object of the examples is asserted.
        assertThat(cli("test", "--strict", "policy-tests").code()).isZero();
    }

    @Test
    void aWrongDecisionFailsWithExpectedAndActual() throws IOException {
        Path d = test("wrong", """
                  - {kind: OCIRepository, namespace: flux-system, name: fleet, result: allowed}
                  - {kind: OCIRepository, namespace: flux-system, name: dashboards, result: allowed}
                  - {kind: OCIRepository, namespace: flux-system, name: fleet, result: allowed, reason: Verified}
                  - {kind: OCIRepository, namespace: flux-system, name: dashboards, result: denied, messageContains: signed}
                """);
        CliRun r = cli("test", d.toString());
        assertThat(r.err()).isEmpty();
        Path sources = d.resolve("sources.yaml");
        String notCovered = "DENIED OCIRepository flux-system/dashboards (" + sources + "#1): NotCovered: no ArtifactPolicy "
                + "covers oci://ghcr.io/example-org/dashboards (4 policies loaded); ask the platform team for a policy "
                + "naming who must sign it, or an Allow policy for a third-party source";
        assertThat(r.out()).isEqualTo(String.join(NL,
                "test wrong (" + d.resolve(TestSpec.FILE_NAME) + ")",
                "  PASS OCIRepository flux-system/fleet: allowed",
                "  FAIL OCIRepository flux-system/dashboards: expected allowed",
                "    actual: " + notCovered,
                "  FAIL OCIRepository flux-system/fleet: expected allowed, reason Verified",
                "    actual: WARNED OCIRepository flux-system/fleet (" + sources + "#0): CheckedOffline: "
                        + "oci://ghcr.io/controlplaneio-fluxcd/d2-fleet passes the offline checks",
                "  FAIL OCIRepository flux-system/dashboards: expected denied, message containing \"signed\"",
                "    actual: " + notCovered,
                "FAIL wrong: 4 expected results: 1 passed, 3 failed; 0 objects not asserted",
                "summary: 1 test: 0 passed, 1 failed, 0 unavailable, 0 invalid; 4 expected results: 1 passed, 3 failed, "
                        + "0 unavailable; 0 objects not asserted", ""));
        assertThat(r.code()).isEqualTo(1);
    }

    @Test
    void anExpectedResultThatSelectsNoJudgedObjectFails() throws IOException {
        Path d = test("missing", """
                  - {kind: OCIRepository, namespace: flux-system, name: fleet, result: allowed}
                  - {kind: OCIRepository, namespace: flux-system, name: dashboards, result: denied}
                  - {kind: OCIRepository, namespace: flux-system, name: nothing, result: denied}
                  - {kind: OCIRepository, namespace: apps, name: fleet, result: allowed}
                  - {kind: OCIRepository, name: fleet, createdBy: ResourceSet/flux-system/apps, result: allowed}
                  - {kind: ConfigMap, namespace: flux-system, name: settings, result: allowed}
                """);
        CliRun r = cli("test", d.toString());
        assertThat(r.out()).contains(String.join(NL,
                "  FAIL OCIRepository flux-system/nothing: expected denied",
                "    no such object was judged",
                "  FAIL OCIRepository apps/fleet: expected allowed",
                "    no such object was judged (judged: OCIRepository flux-system/fleet)",
                "  FAIL ResourceSet/flux-system/apps \u2192 OCIRepository fleet: expected allowed",
                "    no such object was judged (judged: OCIRepository flux-system/fleet)",
                "  FAIL ConfigMap flux-system/settings: expected allowed",
                "    no such object was judged: ConfigMap flux-system/settings (v1) was read, but no webhook judges its kind",
                "FAIL missing: 6 expected results: 2 passed, 4 failed; 0 objects not asserted"));
        assertThat(r.code()).isEqualTo(1);
    }

    @Test
    void objectsNoExpectedResultNamesAreListedAndFailOnlyWhenStrict() throws IOException {
        Path d = test("partial", """
                  - {kind: OCIRepository, namespace: flux-system, name: fleet, result: allowed}
                """);
        CliRun r = cli("test", d.toString());
        String notAsserted = "  NOT ASSERTED DENIED OCIRepository flux-system/dashboards (" + d.resolve("sources.yaml")
                + "#1): NotCovered: no ArtifactPolicy covers oci://ghcr.io/example-org/dashboards";
        assertThat(r.out()).contains(notAsserted).contains("PASS partial: 1 expected result: 1 passed, 0 failed; 1 object "
                + "not asserted" + NL);
        assertThat(r.code()).isZero();

        CliRun strict = cli("test", "--strict", d.toString());
        assertThat(strict.out()).contains(notAsserted).contains("FAIL partial: 1 expected result: 1 passed, 0 failed; "
                + "1 object not asserted (--strict)" + NL).contains("summary: 1 test: 0 passed, 1 failed, ");
        assertThat(strict.code()).isEqualTo(1);
    }

    @Test
    void aBadTestFileListsEveryProblemAndTheOtherTestsStillRun() throws IOException {
        Path good = test("good", """
                  - {kind: OCIRepository, namespace: flux-system, name: fleet, result: allowed}
                  - {kind: OCIRepository, namespace: flux-system, name: dashboards, result: denied, reason: NotCovered}
                """);
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Path file = Files.writeString(bad.resolve(TestSpec.FILE_NAME), """
                apiVersion: cli.fleetwarden.io/v1
                kind: Test
                policies: [../../no-such-policies]
                resource: [sources.yaml]
                substitute: {REPLICAS: 2}
                offline: "yes"
                results:
                  - {kind: OCIRepository, name: fleet, result: pass}
                  - {name: fleet, result: allowed, reson: NotCovered}
                  - {createdBy: apps, result: denied}
                  - {kind: Namespace, namespace: flux-system, name: apps}
                """);
        CliRun r = cli("test", dir.toString());
        assertThat(r.err()).isEqualTo(String.join(NL,
                "fleetwarden test: " + file + ": resource: unknown field (a Test has apiVersion, as, clusterState, kind, "
                        + "metadata, namespace, offline, policies, resources, results, substitute, substituteFrom, "
                        + "uncovered)",
                "fleetwarden test: " + file + ": apiVersion: expected cli.fleetwarden.io/v1alpha1, got a string "
                        + "(\"cli.fleetwarden.io/v1\")",
                "fleetwarden test: " + file + ": policies[0]: ../../no-such-policies (" + dir.getParent().resolve(
                        "no-such-policies") + "): no such file or directory",
                "fleetwarden test: " + file + ": resources: required: a list of files or directories, relative to the "
                        + "test file",
                "fleetwarden test: " + file + ": substitute.REPLICAS: expected a string (quote it, as Flux's "
                        + "postBuild.substitute takes strings only), got a number (2)",
                "fleetwarden test: " + file + ": offline: expected true or false, got a string (\"yes\")",
                "fleetwarden test: " + file + ": results[0].result: expected one of allowed, warned, denied, notJudged, "
                        + "unavailable, got \"pass\"",
                "fleetwarden test: " + file + ": results[1].reson: unknown field (an expected result has createdBy, kind, "
                        + "messageContains, name, namespace, reason, result)",
                "fleetwarden test: " + file + ": results[1].kind: required with name (names are unique per kind)",
                "fleetwarden test: " + file + ": results[2].createdBy: expected Kind/namespace/name (e.g. "
                        + "ResourceSet/flux-system/apps), got \"apps\"",
                "fleetwarden test: " + file + ": results[3].result: required: one of allowed, warned, denied, notJudged, "
                        + "unavailable",
                "fleetwarden test: " + file + ": results[3].namespace: a Namespace is in none; give its name only", ""));
        // Nothing is lost: the good test ran and is reported; the bad one is counted as invalid, and the exit says so.
        assertThat(r.out()).isEqualTo(String.join(NL,
                "test bad (" + file + ")",
                "INVALID bad: 12 problems, listed on standard error; nothing was judged",
                "test good (" + good.resolve(TestSpec.FILE_NAME) + ")",
                "  PASS OCIRepository flux-system/fleet: allowed",
                "  PASS OCIRepository flux-system/dashboards: denied, reason NotCovered",
                "PASS good: 2 expected results: 2 passed, 0 failed; 0 objects not asserted",
                "summary: 2 tests: 1 passed, 0 failed, 0 unavailable, 1 invalid; 2 expected results: 2 passed, 0 failed, "
                        + "0 unavailable; 0 objects not asserted", ""));
        assertThat(r.code()).isEqualTo(64);
    }

    @Test
    void whatATestNamesMustBeUsable() throws IOException {
        Path d = Files.createDirectories(dir.resolve("unusable"));
        Files.writeString(d.resolve("broken.yaml"), "kind: [unclosed");
        Files.writeString(d.resolve("policy.yaml"), """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: broken}
                spec: {sources: [], mode: Sometimes}
                """);
        Path file = Files.writeString(d.resolve(TestSpec.FILE_NAME), """
                apiVersion: cli.fleetwarden.io/v1alpha1
                kind: Test
                metadata: {name: unusable}
                policies: [policy.yaml]
                resources: [broken.yaml]
                substitute: {1TAG: latest}
                results:
                  - {kind: OCIRepository, result: allowed}
                """);
        CliRun r = cli("test", file.toString());
        // Each problem names the test file; a policy's own problems follow on indented lines, with their file:line.
        assertThat(r.err().lines().toList()).allSatisfy(l -> assertThat(l).satisfiesAnyOf(
                        p -> assertThat(p).startsWith("fleetwarden test: " + file + ": "),
                        p -> assertThat(p).startsWith("  " + d.resolve("policy.yaml") + ":")))
                .anySatisfy(l -> assertThat(l).contains(": policies: ").contains("policy.yaml"))
                .anySatisfy(l -> assertThat(l).endsWith("policy.yaml:4:21: spec.mode: must be Enforce, Warn or Allow, got "
                        + "\"Sometimes\""))
                .anySatisfy(l -> assertThat(l).contains(": resources: " + d.resolve("broken.yaml") + ": not valid YAML: "))
                .anySatisfy(l -> assertThat(l).endsWith(": substitute: '1TAG' var name is invalid, must match "
                        + "'^[_[:alpha:]][_[:alpha:][:digit:]]*$'"));
        assertThat(r.out()).startsWith("test unusable (" + file + ")" + NL + "INVALID unusable: ");
        assertThat(r.code()).isEqualTo(64);
    }

    @Test
    void pathsWithoutTestsAreUsageErrors() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        CliRun r = cli("test", empty.toString(), dir.resolve("nope").toString());
        assertThat(r.err()).isEqualTo("fleetwarden test: " + empty + ": no " + TestSpec.FILE_NAME + " in it or under it" + NL
                + "fleetwarden test: " + dir.resolve("nope") + ": no such file or directory" + NL);
        assertThat(r.out()).isEmpty();
        assertThat(r.code()).isEqualTo(64);
        assertThat(cli("test").code()).isEqualTo(64);
        assertThat(cli("test", "-o", "yaml", empty.toString()).code()).isEqualTo(64);
    }

    @Test
    void aRegistryThatCannotBeReachedIsUnavailableNotAFailure() throws IOException {
        int port = LoopbackPorts.free(); // nothing listens there: connection refused
        Path d = Files.createDirectories(dir.resolve("online"));
        Files.writeString(d.resolve("policy.yaml"), """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: local}
                spec:
                  sources: ["oci://127.0.0.1:%d/*"]
                  authorities:
                    - keyless:
                        issuer: https://token.actions.githubusercontent.com
                        subjectRegExp: ^https://github\\.com/acme/fleet/\\.github/workflows/push\\.yaml@refs/heads/main$
                """.formatted(port));
        Files.writeString(d.resolve("source.yaml"), """
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: OCIRepository
                metadata: {name: apps, namespace: flux-system}
                spec:
                  url: oci://127.0.0.1:%d/apps
                  ref: {tag: latest}
                  verify:
                    provider: cosign
                    matchOIDCIdentity:
                      - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                        subject: ^https://github\\.com/acme/fleet/\\.github/workflows/push\\.yaml@refs/heads/main$
                """.formatted(port));
        Files.writeString(d.resolve(TestSpec.FILE_NAME), """
                apiVersion: cli.fleetwarden.io/v1alpha1
                kind: Test
                metadata: {name: online}
                policies: [policy.yaml]
                resources: [source.yaml]
                offline: false
                as: system:serviceaccount:flux-system:kustomize-controller
                results:
                  - {kind: OCIRepository, namespace: flux-system, name: apps, result: allowed, reason: Verified}
                """);
        CliRun r = cli("test", "--timeout", "5s", d.toString());
        assertThat(r.out()).contains("  UNAVAILABLE OCIRepository flux-system/apps: expected allowed, reason Verified" + NL
                + "    actual: UNAVAILABLE OCIRepository flux-system/apps (" + d.resolve("source.yaml") + "#0): Unavailable: ")
                .contains("UNAVAILABLE online: 1 expected result: 0 passed, 0 failed, 1 unavailable; 0 objects not asserted")
                .contains("summary: 1 test: 0 passed, 0 failed, 1 unavailable, 0 invalid; ");
        assertThat(r.code()).as(r.out()).isEqualTo(2);
    }

    @Test
    void jsonSaysTheSameForAPipeline() throws IOException {
        Path d = test("json", """
                  - {kind: OCIRepository, namespace: flux-system, name: fleet, result: allowed}
                  - {kind: OCIRepository, namespace: flux-system, name: dashboards, result: allowed}
                """);
        CliRun r = cli("test", "-o", "json", d.toString());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        JsonNode test = doc.at("/tests/0");
        assertThat(test.path("name").asText()).isEqualTo("json");
        assertThat(test.path("file").asText()).isEqualTo(d.resolve(TestSpec.FILE_NAME).toString());
        assertThat(test.path("result").asText()).isEqualTo("Fail");
        assertThat(test.at("/results/0/outcome").asText()).isEqualTo("Pass");
        assertThat(test.at("/results/1/outcome").asText()).isEqualTo("Fail");
        assertThat(test.at("/results/1/select/name").asText()).isEqualTo("dashboards");
        assertThat(test.at("/results/1/expected/result").asText()).isEqualTo("allowed");
        assertThat(test.at("/results/1/actual/0/verdict").asText()).isEqualTo("Denied");
        assertThat(test.at("/results/1/actual/0/reason").asText()).isEqualTo("NotCovered");
        assertThat(doc.at("/summary/failed").asInt()).isEqualTo(1);
        assertThat(doc.at("/summary/results/passed").asInt()).isEqualTo(1);
        assertThat(r.code()).isEqualTo(1);
    }

    /** D2's own fleet, read in place: what its tenant ResourceSets create is selected with createdBy. */
    @Test
    void d2TenantsAreTestedThroughWhatTheirResourceSetsCreate() throws IOException {
        Path tenants = D2Fixtures.path("d2-fleet/tenants/apps.yaml").getParent().toAbsolutePath();
        Path runtimeInfo = D2Fixtures.path("d2-fleet/clusters/staging/flux-system/runtime-info.yaml").toAbsolutePath();
        Path d = Files.createDirectories(dir.resolve("d2"));
        Files.writeString(d.resolve(TestSpec.FILE_NAME), """
                apiVersion: cli.fleetwarden.io/v1alpha1
                kind: Test
                metadata: {name: d2-tenants}
                policies: [%s, %s, %s]
                resources: [%s]
                substituteFrom: [%s]
                results:
                  - {createdBy: ResourceSet/flux-system/apps, kind: OCIRepository, result: allowed, reason: CheckedOffline}
                  - {createdBy: ResourceSet/flux-system/apps, kind: Namespace, name: frontend, result: allowed}
                  - {createdBy: ResourceSet/flux-system/infra, kind: OCIRepository, namespace: monitoring, name: infra,
                     result: allowed}
                  - {kind: ResourceSet, result: allowed}
                """.formatted(POLICIES.resolve("staging"), POLICIES.resolve("third-party"), POLICIES.resolve("tenancy"),
                tenants, runtimeInfo));
        CliRun r = cli("test", d.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("  PASS every OCIRepository created by ResourceSet/flux-system/apps: allowed, "
                + "reason CheckedOffline (2 objects)").contains("PASS d2-tenants: 4 expected results: 4 passed, 0 failed; ");
        assertThat(r.code()).as(r.out()).isZero();
        // Without the variables, the same sources are not judged as if ${ARTIFACT_TAG} were a tag.
        Files.writeString(d.resolve(TestSpec.FILE_NAME), Files.readString(d.resolve(TestSpec.FILE_NAME))
                .replace("substituteFrom: [" + runtimeInfo + "]\n", ""));
        CliRun without = cli("test", d.toString());
        assertThat(without.out()).contains("  FAIL every OCIRepository created by ResourceSet/flux-system/apps: expected "
                + "allowed, reason CheckedOffline").contains("    actual: NOT JUDGED ResourceSet flux-system/apps \u2192 "
                + "OCIRepository frontend/apps (");
        assertThat(without.code()).isEqualTo(1);
    }

    @Test
    void aSelectorOfKindAloneHoldsEveryObjectOfIt() throws IOException {
        Path d = test("all", """
                  - {kind: OCIRepository, result: allowed}
                """);
        CliRun r = cli("test", d.toString());
        assertThat(r.out()).contains("  FAIL every OCIRepository: expected allowed" + NL + "    actual: DENIED "
                + "OCIRepository flux-system/dashboards (");
        assertThat(r.out()).doesNotContain("actual: WARNED");
        assertThat(List.of(r.code())).containsExactly(1);
    }
}
