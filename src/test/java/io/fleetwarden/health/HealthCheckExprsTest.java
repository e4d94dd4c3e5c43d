package io.fleetwarden.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.health.HealthCheckExprs.Spec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthCheckExprsTest {

    private static final String READY_TRUE = "status.conditions.filter(e, e.type == 'Ready').all(e, e.status == 'True')";
    private static final String READY_FALSE = "status.conditions.filter(e, e.type == 'Ready').all(e, e.status == 'False')";

    private static HealthCheckExprs valid(Spec... specs) {
        HealthCheckExprs.Compilation compilation = HealthCheckExprs.compile(List.of(specs));
        assertThat(compilation).isInstanceOf(HealthCheckExprs.Valid.class);
        return ((HealthCheckExprs.Valid) compilation).exprs();
    }

    private static JsonNode kafka(String readyStatus) {
        return Yaml.object("""
                apiVersion: kafka.strimzi.io/v1beta2
                kind: Kafka
                metadata: {name: cluster, generation: 2}
                status:
                  observedGeneration: 2
                  conditions: [{type: Ready, status: "%s"}]
                """.formatted(readyStatus));
    }

    @Test
    void currentWhenCurrentExpressionHolds() {
        HealthCheckExprs exprs = valid(new Spec("kafka.strimzi.io/v1beta2", "Kafka", READY_TRUE, null, READY_FALSE));
        assertThat(exprs.judge(kafka("True")))
                .contains(Health.current("healthCheckExprs current is true: " + READY_TRUE));
        assertThat(exprs.judge(kafka("False")))
                .contains(Health.failed("healthCheckExprs failed is true: " + READY_FALSE));
    }

    @Test
    void inProgressIsEvaluatedBeforeFailedAndFailedBeforeCurrent() {
        // All three hold: RFC 0009's order makes inProgress win, then failed.
        HealthCheckExprs all = valid(new Spec("kafka.strimzi.io/v1", "Kafka", "true", "true", "true"));
        assertThat(all.judge(kafka("True")).map(Health::status)).contains(Health.Status.IN_PROGRESS);
        HealthCheckExprs failedAndCurrent = valid(new Spec("kafka.strimzi.io/v1", "Kafka", "true", "false", "true"));
        assertThat(failedAndCurrent.judge(kafka("True")).map(Health::status)).contains(Health.Status.FAILED);
    }

    @Test
    void noExpressionTrueIsInProgress() {
        HealthCheckExprs exprs = valid(new Spec("kafka.strimzi.io/v1beta2", "Kafka", READY_TRUE, null, null));
        assertThat(exprs.judge(kafka("Unknown")))
                .contains(Health.inProgress("healthCheckExprs: no expression is true yet (current: " + READY_TRUE + ")"));
    }

    @Test
    void unobservedGenerationIsInProgressBeforeAnyExpression() {
        HealthCheckExprs exprs = valid(new Spec("kafka.strimzi.io/v1beta2", "Kafka", "true", null, null));
        JsonNode object = kafka("True");
        ((com.fasterxml.jackson.databind.node.ObjectNode) object.get("metadata")).put("generation", 3);
        assertThat(exprs.judge(object))
                .contains(Health.inProgress("Kafka generation is 3, but latest observed generation is 2"));
    }

    @Test
    void observedGenerationAsStringSkipsTheGenerationRule() {
        HealthCheckExprs exprs = valid(new Spec("example.com/v1", "Odd", "status.phase == 'Done'", null, null));
        assertThat(exprs.judge(Yaml.object("""
                apiVersion: example.com/v1
                kind: Odd
                metadata: {generation: 5}
                status: {observedGeneration: "4", phase: Done}
                """)).map(Health::status)).contains(Health.Status.CURRENT);
    }

    @Test
    void evaluationErrorIsUnknownWithTheExpression() {
        HealthCheckExprs exprs = valid(new Spec("kafka.strimzi.io/v1beta2", "Kafka", "status.phase == 'Ready'", null, null));
        Optional<Health> health = exprs.judge(kafka("True"));
        assertThat(health.map(Health::status)).contains(Health.Status.UNKNOWN);
        assertThat(health.orElseThrow().message())
                .startsWith("failed to evaluate the CEL expression 'status.phase == 'Ready'': ");
    }

    @Test
    void nonBoolResultIsUnknown() {
        HealthCheckExprs exprs = valid(new Spec("kafka.strimzi.io/v1beta2", "Kafka", "metadata.generation", null, null));
        assertThat(exprs.judge(kafka("True"))).contains(Health.unknown(
                "failed to evaluate CEL expression as boolean: 'metadata.generation' (the result is a number)"));
    }

    @Test
    void appliesOnlyToItsGroupAndKindAndExactKindBeatsGroupWide() {
        HealthCheckExprs exprs = valid(
                new Spec("kafka.strimzi.io/v1beta2", "", "false", null, null),
                new Spec("kafka.strimzi.io/v1", "Kafka", "true", null, null));
        assertThat(exprs.judge(kafka("True")).map(Health::status)).contains(Health.Status.CURRENT);
        assertThat(exprs.judge(Yaml.object("{apiVersion: kafka.strimzi.io/v1beta2, kind: KafkaTopic}"))
                .map(Health::status)).contains(Health.Status.IN_PROGRESS);
        assertThat(exprs.judge(Yaml.object("{apiVersion: other.io/v1, kind: Kafka}"))).isEmpty();
    }

    @Test
    void allErrorsAreReportedWithTheirFieldPaths() {
        HealthCheckExprs.Compilation compilation = HealthCheckExprs.compile(List.of(
                new Spec("kafka.strimzi.io/v1beta2", "Kafka", READY_TRUE, null, null),
                new Spec("kafka.strimzi.io/v1", "Kafka", READY_TRUE, null, null),
                new Spec("example.com/v1", "Widget", "status.ready ==", "status.(", null),
                new Spec("", "Gadget", "", null, null)));
        assertThat(compilation).isInstanceOf(HealthCheckExprs.Invalid.class);
        List<String> errors = ((HealthCheckExprs.Invalid) compilation).errors();
        assertThat(errors).hasSize(5);
        assertThat(errors.get(0)).isEqualTo("spec.healthCheckExprs[1]: duplicate custom health check for GroupKind Kafka.kafka.strimzi.io");
        assertThat(errors.get(1)).startsWith("spec.healthCheckExprs[2].current: failed to parse the CEL expression 'status.ready ==': ERROR: <input>:1:");
        assertThat(errors.get(2)).startsWith("spec.healthCheckExprs[2].inProgress: failed to parse the CEL expression 'status.(': ERROR: <input>:1:");
        assertThat(errors.get(3)).isEqualTo("spec.healthCheckExprs[3].apiVersion: required");
        assertThat(errors.get(4)).isEqualTo("spec.healthCheckExprs[3].current: expression not specified");
    }
}
