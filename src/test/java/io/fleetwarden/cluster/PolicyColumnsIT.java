package io.fleetwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.testing.cluster.Components;
import io.fleetwarden.testing.cluster.GateOnCluster;
import io.fleetwarden.testing.cluster.Kubectl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What {@code kubectl get artifactpolicies} and {@code kubectl get tenancypolicies} show, through the printer
 * columns of the shipped CRDs and the status the packaged service's leader writes: Flux's columns (Age, Ready,
 * and the Ready message as Status with {@code -o wide}), and an ArtifactPolicy's mode, Enforce when the file says
 * none (the schema defaults it).
 */
class PolicyColumnsIT {

    private static GateOnCluster gate;
    private static KubernetesClient admin;
    private static Kubectl kubectl;
    private static final String SUFFIX = "-" + ProcessHandle.current().pid();

    @BeforeAll
    static void start() throws Exception {
        gate = GateOnCluster.shared();
        admin = gate.plane().adminClient();
        Path dir = Files.createDirectories(gate.plane().dir().resolve("policy-columns"));
        kubectl = new Kubectl(Components.locate().kubectl(),
                Files.writeString(dir.resolve("admin.kubeconfig"), gate.plane().adminKubeconfig()));
    }

    @AfterAll
    static void close() {
        for (String name : List.of("columns-enforce", "columns-warn", "columns-no-root")) {
            admin.genericKubernetesResources("fleetwarden.io/v1alpha1", "ArtifactPolicy").withName(name + SUFFIX).delete();
        }
        admin.close();
    }

    @Test
    void kubectlGetShowsModeReadyAndAgeAndWideAddsTheReadyMessage() {
        apply("columns-enforce", "");
        apply("columns-warn", "mode: Warn");
        // An authority whose trusted root is a ConfigMap that does not exist: compiled, but not Ready.
        apply("columns-no-root", "", "trustedRootFrom: {configMapKeyRef: {name: columns-missing-root}}");

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            List<String> rows = lines(kubectl.run("get", "artifactpolicies", "-A"));
            assertThat(columns(rows.get(0))).containsExactly("NAME", "AGE", "MODE", "READY");
            assertThat(row(rows, "columns-enforce")).matches(c -> c.get(1).matches("\\d+s"), "an age in seconds")
                    .containsSubsequence("columns-enforce" + SUFFIX, "Enforce", "True").hasSize(4);
            assertThat(row(rows, "columns-warn")).containsSubsequence("Warn", "True").hasSize(4);
            assertThat(row(rows, "columns-no-root")).containsSubsequence("Enforce", "False").hasSize(4);
        });

        List<String> wide = lines(kubectl.run("get", "artifactpolicies", "-o", "wide"));
        assertThat(columns(wide.get(0))).containsExactly("NAME", "AGE", "MODE", "READY", "STATUS");
        assertThat(line(wide, "columns-enforce")).containsPattern("\\sEnforce\\s+True\\s+compiled and in force$");
        assertThat(line(wide, "columns-no-root")).containsPattern("\\sEnforce\\s+False\\s+compiled and in force, but "
                + "these authorities accept no signature: authority authorities\\[0]: .*columns-missing-root");
        // The stored object says what an absent mode means.
        GenericKubernetesResource stored = admin.genericKubernetesResources("fleetwarden.io/v1alpha1", "ArtifactPolicy")
                .withName("columns-enforce" + SUFFIX).get();
        assertThat(stored.<java.util.Map<String, Object>>get("spec")).containsEntry("mode", "Enforce");
    }

    @Test
    void kubectlGetTenancyPoliciesShowsTheOneInForce() {
        List<String> rows = lines(kubectl.run("get", "tenancypolicies", "-o", "wide"));
        assertThat(columns(rows.get(0))).containsExactly("NAME", "AGE", "READY", "STATUS");
        assertThat(rows).hasSize(2);
        assertThat(columns(rows.get(1)).get(2)).isEqualTo("True");
        assertThat(rows.get(1)).containsPattern("\\sTrue\\s+\\S");
    }

    private static void apply(String name, String mode, String... authorityLines) {
        String extra = String.join("\n", Arrays.stream(authorityLines).map(l -> "      " + l).toList());
        GenericKubernetesResource policy = Serialization.unmarshal("""
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: %s}
                spec:
                  sources: ["oci://columns.invalid/%s/*"]
                  %s
                  authorities:
                    - keyless: {issuer: https://token.actions.githubusercontent.com, subjectRegExp: "^x$"}
                %s
                """.formatted(name + SUFFIX, name, mode, extra), GenericKubernetesResource.class);
        admin.resource(policy).fieldManager("kustomize-controller").forceConflicts().serverSideApply();
    }

    private static List<String> lines(Kubectl.Result result) {
        assertThat(result.exit()).as(result.output()).isZero();
        return result.output().lines().toList();
    }

    private static List<String> columns(String line) {
        return List.of(line.trim().split("\\s+"));
    }

    private static String line(List<String> rows, String name) {
        return rows.stream().filter(r -> r.startsWith(name + SUFFIX + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + name + " in " + rows));
    }

    private static List<String> row(List<String> rows, String name) {
        return List.of(line(rows, name).trim().split("\\s+"));
    }
}
