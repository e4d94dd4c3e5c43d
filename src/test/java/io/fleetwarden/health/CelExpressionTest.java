package io.fleetwarden.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CelExpressionTest {

    private static final JsonNode OBJECT = Yaml.object("""
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w, generation: 3, labels: {tier: web}}
            status:
              observedGeneration: 3
              replicas: 2
              ratio: 0.5
              conditions: [{type: Ready, status: "True"}]
            """);

    @Test
    void compileErrorCarriesLineAndColumn() {
        CelExpression result = CelExpression.compile("self.status.ready &&", Set.of("self"));
        assertThat(result).isInstanceOf(CelExpression.Invalid.class);
        assertThat(((CelExpression.Invalid) result).message())
                .startsWith("failed to parse the CEL expression 'self.status.ready &&': ERROR: <input>:1:21: ");
    }

    @Test
    void undeclaredVariableIsACompileError() {
        CelExpression result = CelExpression.compile("other.status == 1", Set.of("self"));
        assertThat(((CelExpression.Invalid) result).message())
                .contains("<input>:1:1: undeclared reference to 'other'");
    }

    @Test
    void nonBoolOutputTypeIsRefusedAtCompile() {
        CelExpression result = CelExpression.compile("self.metadata.name", Set.of("self"));
        assertThat(((CelExpression.Invalid) result).message())
                .isEqualTo("CEL expression output type mismatch: expected bool, got dyn in 'self.metadata.name'");
    }

    @Test
    void compiledOnceEvaluatesManyTimes() {
        CelExpression.Compiled compiled = (CelExpression.Compiled) CelExpression.compile(
                "self.status.replicas >= 2 && self.metadata.labels.tier == 'web'", Set.of("self"));
        assertThat(compiled.evaluate(Map.of("self", OBJECT))).isEqualTo(new CelEvaluation.Value(true));
        JsonNode scaledDown = OBJECT.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) scaledDown.get("status")).put("replicas", 1);
        assertThat(compiled.evaluate(Map.of("self", scaledDown))).isEqualTo(new CelEvaluation.Value(false));
    }

    @Test
    void integersAndDoublesCompareAcrossTypesAsInFlux() {
        CelExpression.Compiled compiled = (CelExpression.Compiled) CelExpression.compile(
                "self.status.ratio < 1 && self.status.replicas == 2.0", Set.of("self"));
        assertThat(compiled.evaluate(Map.of("self", OBJECT))).isEqualTo(new CelEvaluation.Value(true));
    }

    @Test
    void missingFieldIsAnEvaluationErrorNamingTheExpression() {
        CelExpression.Compiled compiled = (CelExpression.Compiled) CelExpression.compile(
                "self.status.missing == 'x'", Set.of("self"));
        CelEvaluation result = compiled.evaluate(Map.of("self", OBJECT));
        assertThat(result).isInstanceOf(CelEvaluation.Error.class);
        assertThat(((CelEvaluation.Error) result).message())
                .startsWith("failed to evaluate the CEL expression 'self.status.missing == 'x'': ")
                .contains("missing");
    }

    @Test
    void nonBoolResultOnObjectFieldsIsAnError() {
        CelExpression.Compiled compiled = (CelExpression.Compiled) CelExpression.compileOverObjectFields(
                "metadata.name");
        assertThat(compiled.evaluateOnObject(OBJECT)).isEqualTo(new CelEvaluation.Error(
                "failed to evaluate CEL expression as boolean: 'metadata.name' (the result is a string)"));
    }

    @Test
    void objectFieldsAreTopLevelIdentifiers() {
        CelExpression.Compiled compiled = (CelExpression.Compiled) CelExpression.compileOverObjectFields(
                "status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')"
                        + " && metadata.generation == status.observedGeneration");
        assertThat(compiled.evaluateOnObject(OBJECT)).isEqualTo(new CelEvaluation.Value(true));
    }

    @Test
    void objectFieldsExpressionsMayUseTypesAndExtensions() {
        CelExpression.Compiled compiled = (CelExpression.Compiled) CelExpression.compileOverObjectFields(
                "type(status.replicas) == int && kind.lowerAscii() == 'widget'"
                        + " && sets.contains(['Ready'], status.conditions.map(c, c.type))"
                        + " && status.?missing.orValue('none') == 'none'");
        assertThat(compiled.evaluateOnObject(OBJECT)).isEqualTo(new CelEvaluation.Value(true));
    }

    @Test
    void objectFieldsSyntaxErrorHasPosition() {
        CelExpression result = CelExpression.compileOverObjectFields("status.conditions.filter(e, e.type == 'Ready'");
        assertThat(((CelExpression.Invalid) result).message())
                .startsWith("failed to parse the CEL expression 'status.conditions.filter(e, e.type == 'Ready'': ERROR: <input>:1:");
    }

    @Test
    void objectFieldsExpressionThatCanNeverEvaluateIsRefused() {
        CelExpression result = CelExpression.compileOverObjectFields("1 + 'a' == status.x");
        assertThat(((CelExpression.Invalid) result).message())
                .startsWith("failed to check the CEL expression '1 + 'a' == status.x': ERROR: <input>:1:3: found no matching overload for '_+_'");
    }
}
