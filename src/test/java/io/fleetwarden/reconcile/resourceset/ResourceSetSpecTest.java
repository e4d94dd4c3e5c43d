package io.fleetwarden.reconcile.resourceset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.testing.D2Fixtures;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The parts of the ResourceSet reconciler that need no cluster: its spec, dependency checks, messages. */
class ResourceSetSpecTest {

    @Test
    void annotationsSteerTheScheduleAndDefaultsAreFluxOperators() {
        ResourceSetSpec d2 = ResourceSetSpec.of(D2Fixtures.documents("d2-fleet/tenants/apps.yaml").get(0));
        assertThat(d2.interval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d2.timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d2.serviceAccountName()).isNull();
        assertThat(d2.dependsOn()).singleElement().satisfies(d -> {
            assertThat(d.describe()).isEqualTo("kustomize.toolkit.fluxcd.io/v1/Kustomization/monitoring/infra-configs");
            assertThat(d.ready()).isTrue();
            assertThat(d.readyExpr()).isEqualTo("status.observedGeneration >= 0");
        });
        ResourceSetSpec plain = ResourceSetSpec.of(rs("{}", "{}"));
        assertThat(plain.interval()).isEqualTo(Duration.ofHours(1));
        assertThat(plain.disabled()).isFalse();
        assertThat(ResourceSetSpec.of(rs("{\"fluxcd.controlplane.io/reconcile\": \"Disabled\"}", "{}")).disabled()).isTrue();
    }

    @Test
    void aMistypedAnnotationOrDependencyIsNamed() {
        assertThatThrownBy(() -> ResourceSetSpec.of(rs("{\"fluxcd.controlplane.io/reconcileEvery\": \"5 minutes\"}", "{}")))
                .hasMessage("annotation fluxcd.controlplane.io/reconcileEvery: \"5 minutes\" is not a duration like 30s,"
                        + " 10m or 1h");
        assertThatThrownBy(() -> ResourceSetSpec.of(rs("{\"fluxcd.controlplane.io/reconcileTimeout\": \"0s\"}", "{}")))
                .hasMessage("annotation fluxcd.controlplane.io/reconcileTimeout: \"0s\" must be above zero");
        assertThatThrownBy(() -> ResourceSetSpec.of(rs("{}", "{\"dependsOn\": [{\"apiVersion\": \"v1\", \"name\": \"x\"}]}")))
                .hasMessage("spec.dependsOn[0].kind is required");
    }

    @Test
    void aResourceSetWithAMistypedAnnotationCanStillBeDeleted() {
        var deletion = ResourceSetSpec.deletion(rs("{\"fluxcd.controlplane.io/reconcileTimeout\": \"soon\"}",
                "{\"serviceAccountName\": \"flux\"}"));
        assertThat(deletion.timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(deletion.serviceAccountName()).isEqualTo("flux");
        assertThat(deletion.disabled()).isFalse();
    }

    @Test
    void dependenciesAreJudgedAsFluxOperatorJudgesThem() {
        ResourceSetSpec spec = ResourceSetSpec.of(rs("{}", """
                {"dependsOn": [
                  {"apiVersion": "fluxcd.controlplane.io/v1", "kind": "ResourceSet", "name": "policies",
                   "namespace": "flux-system", "ready": true},
                  {"apiVersion": "v1", "kind": "Secret", "name": "s", "namespace": "other", "ready": true,
                   "readyExpr": "data.k == 'dg=='"}]}"""));
        var compiled = ResourceSetDependencies.compile(spec);
        JsonNode readyRs = D2Fixtures.object("""
                metadata: {generation: 2}
                status: {conditions: [{type: Ready, status: "True", observedGeneration: 2}]}
                """);
        JsonNode staleRs = D2Fixtures.object("""
                metadata: {generation: 3}
                status: {conditions: [{type: Ready, status: "True", observedGeneration: 2}]}
                """);
        JsonNode secret = D2Fixtures.object("{metadata: {name: s}, data: {k: dg==}}");
        assertThat(ResourceSetDependencies.notReady("flux-system", spec, compiled,
                d -> d.kind().equals("Secret") ? secret : staleRs))
                .contains("dependency fluxcd.controlplane.io/v1/ResourceSet/flux-system/policies not ready");
        // A Secret of another namespace shows no data to the expression: it cannot be evaluated.
        assertThat(ResourceSetDependencies.notReady("flux-system", spec, compiled,
                d -> d.kind().equals("Secret") ? secret : readyRs)).hasValueSatisfying(m -> assertThat(m)
                        .startsWith("dependency v1/Secret/other/s: ").contains("data"));
        assertThat(ResourceSetDependencies.notReady("other", spec, compiled,
                d -> d.kind().equals("Secret") ? secret : readyRs)).isEmpty();
        assertThat(ResourceSetDependencies.notReady("other", spec, compiled, d -> null))
                .isEqualTo(Optional.of("dependency fluxcd.controlplane.io/v1/ResourceSet/flux-system/policies not found"));
    }

    @Test
    void anInvalidReadyExprIsATerminalErrorNamingTheDependency() {
        ResourceSetSpec spec = ResourceSetSpec.of(rs("{}", """
                {"dependsOn": [{"apiVersion": "v1", "kind": "ConfigMap", "name": "c", "namespace": "n", "ready": true,
                  "readyExpr": "data.x =="}]}"""));
        assertThatThrownBy(() -> ResourceSetDependencies.compile(spec))
                .hasMessageStartingWith("failed to parse expression for dependency v1/ConfigMap/n/c: failed to parse"
                        + " the CEL expression 'data.x =='");
    }

    @Test
    void durationsReadAsGoPrintsThem() {
        assertThat(GoDuration.format(Duration.ofMillis(412))).isEqualTo("412ms");
        assertThat(GoDuration.format(Duration.ofMillis(2600))).isEqualTo("3s");
        assertThat(GoDuration.format(Duration.ofSeconds(65))).isEqualTo("1m5s");
        assertThat(GoDuration.format(Duration.ofHours(2))).isEqualTo("2h0m0s");
    }

    @Test
    void unimplementedAnnotationsAreNamedPerObject() {
        assertThat(Unsupported.annotations(java.util.List.of(Map.of("kind", "Job", "metadata", Map.of("name", "j",
                "namespace", "n", "annotations", Map.of("fluxcd.controlplane.io/recreateOnFailure", "enabled"))))))
                .contains("Job/n/j: annotation fluxcd.controlplane.io/recreateOnFailure is not supported in engine mode");
    }

    @Test
    void historyKeepsFiveOutcomesNewestFirstAndCountsRepeats() {
        java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00.700Z");
        var h = History.upsert(null, new History.Entry("sha256:a", t, Duration.ofMillis(1500), "ReconciliationSucceeded",
                Map.of("inputs", "2")));
        for (int i = 0; i < 5; i++) {
            h = History.upsert(h, new History.Entry("sha256:b" + i, t, Duration.ZERO, "BuildFailed", null));
        }
        assertThat(h).hasSize(5);
        assertThat(h.toString()).doesNotContain("sha256:a\"");
        h = History.upsert(h, new History.Entry("sha256:b1", t.plusSeconds(60), Duration.ofSeconds(65), "BuildFailed",
                null));
        assertThat(h.get(0).path("digest").asText()).isEqualTo("sha256:b1");
        assertThat(h.get(0).path("totalReconciliations").asLong()).isEqualTo(2);
        assertThat(h.get(0).path("firstReconciled").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(h.get(0).path("lastReconciled").asText()).isEqualTo("2026-01-01T00:01:00Z");
        assertThat(h.get(0).path("lastReconciledDuration").asText()).isEqualTo("1m5s");
        assertThat(History.goString(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(History.goString(Duration.ofMillis(62_005))).isEqualTo("1m2.005s");
    }

    private static JsonNode rs(String annotations, String spec) {
        return D2Fixtures.object("{metadata: {name: r, namespace: n, annotations: " + annotations + "}, spec: " + spec
                + "}");
    }
}
