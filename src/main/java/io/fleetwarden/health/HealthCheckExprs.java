package io.fleetwarden.health;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A Kustomization's {@code spec.healthCheckExprs}, judged as kustomize-controller judges them
 * ({@code fluxcd/pkg/runtime/cel} StatusEvaluator, RFC 0009). An entry applies to objects of its group and kind, or to
 * every kind of its group when {@code kind} is empty; an exact kind wins over a group-wide entry. For those objects it
 * replaces kstatus entirely (no deletion or Reconciling/Stalled rule), except for {@code batch/Job}, which Flux's own
 * Job rule always judges (see {@link FluxHealth}).
 */
public final class HealthCheckExprs {

    /** One {@code spec.healthCheckExprs[]} entry; {@code kind}, {@code inProgress} and {@code failed} may be null. */
    public record Spec(String apiVersion, String kind, String current, String inProgress, String failed) {
    }

    /** The outcome of {@link #compile}. */
    public sealed interface Compilation {
    }

    public record Valid(HealthCheckExprs exprs) implements Compilation {
    }

    /** Every problem, each prefixed with its field path ({@code spec.healthCheckExprs[2].current: ...}). */
    public record Invalid(List<String> errors) implements Compilation {

        public Invalid {
            errors = List.copyOf(errors);
        }

        public String message() {
            return String.join("; ", errors);
        }
    }

    private static final String FIELD = "spec.healthCheckExprs";

    private final Map<GroupKind, Evaluator> evaluators;

    private HealthCheckExprs(Map<GroupKind, Evaluator> evaluators) {
        this.evaluators = evaluators;
    }

    /** No expressions: every object is judged by the built-in rules. */
    public static HealthCheckExprs none() {
        return new HealthCheckExprs(Map.of());
    }

    /**
     * Compiles every entry. Flux stops at the first problem; we report all of them with their field paths, so one
     * round trip fixes the spec. A second entry for the same group and kind is an error, as in Flux.
     */
    public static Compilation compile(List<Spec> specs) {
        Map<GroupKind, Evaluator> evaluators = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            Spec spec = specs.get(i);
            String at = FIELD + "[" + i + "]";
            if (isEmpty(spec.apiVersion())) {
                errors.add(at + ".apiVersion: required");
            }
            GroupKind gk = GroupKind.of(spec.apiVersion(), isEmpty(spec.kind()) ? "" : spec.kind());
            if (evaluators.containsKey(gk)) {
                errors.add(at + ": duplicate custom health check for GroupKind " + gk);
            }
            List<String> entryErrors = new ArrayList<>();
            CelExpression.Compiled current = null;
            if (isEmpty(spec.current())) {
                entryErrors.add(at + ".current: expression not specified");
            } else {
                current = compiled(spec.current(), at + ".current", entryErrors);
            }
            CelExpression.Compiled inProgress = compiled(spec.inProgress(), at + ".inProgress", entryErrors);
            CelExpression.Compiled failed = compiled(spec.failed(), at + ".failed", entryErrors);
            errors.addAll(entryErrors);
            if (entryErrors.isEmpty()) {
                evaluators.putIfAbsent(gk, new Evaluator(current, inProgress, failed));
            }
        }
        return errors.isEmpty() ? new Valid(new HealthCheckExprs(Map.copyOf(evaluators))) : new Invalid(errors);
    }

    /** Whether an entry applies to objects of this group and kind. */
    public boolean covers(GroupKind gk) {
        return evaluators.containsKey(gk) || evaluators.containsKey(new GroupKind(gk.group(), ""));
    }

    /**
     * The health of {@code object} by the expressions that cover its group and kind, or empty when none do. First the
     * generation rule (skipped when either field is absent or not an integer, since some CRDs type observedGeneration
     * as a string); then {@code inProgress}, {@code failed}, {@code current} in that order, the first true one
     * deciding; none true is InProgress. An evaluation error (a field the object lacks, a non-bool result) is
     * Unknown, which a poller keeps polling until the timeout, as Flux does.
     */
    public Optional<Health> judge(JsonNode object) {
        GroupKind gk = GroupKind.of(object);
        Evaluator evaluator = evaluators.get(gk);
        if (evaluator == null) {
            evaluator = evaluators.get(new GroupKind(gk.group(), ""));
        }
        return evaluator == null ? Optional.empty() : Optional.of(evaluator.judge(object));
    }

    private record Evaluator(CelExpression.Compiled current, CelExpression.Compiled inProgress,
            CelExpression.Compiled failed) {

        Health judge(JsonNode object) {
            OptionalLong observed = lenientInt(object, "status", "observedGeneration");
            OptionalLong generation = lenientInt(object, "metadata", "generation");
            if (observed.isPresent() && generation.isPresent() && observed.getAsLong() != generation.getAsLong()) {
                return Health.inProgress(Kstatus.kind(object) + " generation is " + generation.getAsLong()
                        + ", but latest observed generation is " + observed.getAsLong());
            }
            record Rule(String field, CelExpression.Compiled expr, Health.Status status) {
            }
            for (Rule rule : new Rule[] {new Rule("inProgress", inProgress, Health.Status.IN_PROGRESS),
                    new Rule("failed", failed, Health.Status.FAILED), new Rule("current", current,
                            Health.Status.CURRENT)}) {
                if (rule.expr() == null) {
                    continue;
                }
                CelEvaluation result = rule.expr().evaluateOnObject(object);
                if (result instanceof CelEvaluation.Error error) {
                    return Health.unknown(error.message());
                }
                if (((CelEvaluation.Value) result).value()) {
                    return new Health(rule.status(), "healthCheckExprs " + rule.field() + " is true: "
                            + rule.expr().expression());
                }
            }
            return Health.inProgress("healthCheckExprs: no expression is true yet (current: " + current.expression()
                    + ")");
        }

        private static OptionalLong lenientInt(JsonNode object, String... path) {
            JsonNode node = ObjectFields.at(object, path);
            return node.isIntegralNumber() && node.canConvertToLong() ? OptionalLong.of(node.longValue())
                    : OptionalLong.empty();
        }
    }

    private static CelExpression.Compiled compiled(String expression, String field, List<String> errors) {
        if (isEmpty(expression)) {
            return null;
        }
        CelExpression result = CelExpression.compileOverObjectFields(expression);
        if (result instanceof CelExpression.Invalid invalid) {
            errors.add(field + ": " + invalid.message());
            return null;
        }
        return (CelExpression.Compiled) result;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }
}
