package io.fleetwarden.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class ReadyExprTest {

    private static final JsonNode SELF = Yaml.object("""
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: apps, namespace: flux-system, annotations: {app.io/min-tier: "2"}}
            spec: {sourceRef: {kind: OCIRepository, name: fleet}}
            """);

    private static JsonNode dep(String readyStatus, String revision) {
        return Yaml.object("""
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: infra, namespace: flux-system, generation: 2}
                spec: {sourceRef: {kind: OCIRepository, name: fleet}}
                status:
                  observedGeneration: 2
                  lastAppliedRevision: "%s"
                  conditions: [{type: Ready, status: "%s"}]
                """.formatted(revision, readyStatus));
    }

    private static ReadyExpr compile(String expression) {
        ReadyExpr.Compilation compilation = ReadyExpr.compile(expression);
        assertThat(compilation).isInstanceOf(ReadyExpr.Valid.class);
        return ((ReadyExpr.Valid) compilation).readyExpr();
    }

    @Test
    void readyWhenExpressionOverSelfAndDepHolds() {
        ReadyExpr expr = compile("dep.metadata.generation == dep.status.observedGeneration"
                + " && dep.status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')"
                + " && dep.spec.sourceRef.name == self.spec.sourceRef.name");
        assertThat(expr.judge(SELF, dep("True", "v1@sha256:aa"))).isEqualTo(new ReadyExpr.Ready());
    }

    @Test
    void notReadyNamesTheDependencyAsFluxDoes() {
        ReadyExpr expr = compile("dep.status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')");
        assertThat(expr.judge(SELF, dep("False", "v1"))).isEqualTo(
                new ReadyExpr.NotReady("dependency 'flux-system/infra' is not ready according to readyExpr eval"));
    }

    @Test
    void evaluationErrorIsReported() {
        ReadyExpr expr = compile("dep.status.inventory.entries.size() > 0");
        ReadyExpr.Verdict verdict = expr.judge(SELF, dep("True", "v1"));
        assertThat(verdict).isInstanceOf(ReadyExpr.Error.class);
        assertThat(((ReadyExpr.Error) verdict).message())
                .startsWith("failed to evaluate the CEL expression 'dep.status.inventory.entries.size() > 0': ");
    }

    @Test
    void onlySelfAndDepAreDeclared() {
        ReadyExpr.Compilation compilation = ReadyExpr.compile("source.status.ready == true");
        assertThat(((ReadyExpr.Invalid) compilation).message())
                .contains("<input>:1:1: undeclared reference to 'source'");
    }

    @Test
    void resultMustBeTypedBool() {
        ReadyExpr.Compilation compilation = ReadyExpr.compile("dep.status.lastAppliedRevision");
        assertThat(((ReadyExpr.Invalid) compilation).message())
                .isEqualTo("CEL expression output type mismatch: expected bool, got dyn in 'dep.status.lastAppliedRevision'");
    }

    @Test
    void literalListsMustBeHomogeneousAsInFluxsCompiledMode() {
        ReadyExpr.Compilation compilation = ReadyExpr.compile("dep.metadata.name in ['a', 1]");
        assertThat(compilation).isInstanceOf(ReadyExpr.Invalid.class);
    }

    @Test
    void readyExprReplacesBuiltInCheckUnlessAdditiveGate() {
        assertThat(ReadyExpr.replacesBuiltInCheck(false)).isTrue();
        assertThat(ReadyExpr.replacesBuiltInCheck(true)).isFalse();
    }
}
