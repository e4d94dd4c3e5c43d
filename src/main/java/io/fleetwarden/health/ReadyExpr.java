package io.fleetwarden.health;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;

/**
 * A Kustomization's {@code spec.dependsOn[].readyExpr}, as kustomize-controller evaluates it: type-checked CEL over
 * {@code self} (the dependent Kustomization) and {@code dep} (the dependency), both objects, whose result must be
 * typed bool. Without the {@code AdditiveCELDependencyCheck} feature gate a readyExpr replaces the built-in check
 * (generation observed, Ready=True, same-source revision); with it, both must pass.
 */
public final class ReadyExpr {

    /** The outcome of {@link #compile}. */
    public sealed interface Compilation {
    }

    public record Valid(ReadyExpr readyExpr) implements Compilation {
    }

    /** Flux makes this a terminal error: the Kustomization stalls until its spec changes. */
    public record Invalid(String message) implements Compilation {
    }

    /** The outcome of {@link #judge}. */
    public sealed interface Verdict {
    }

    public record Ready() implements Verdict {
    }

    public record NotReady(String message) implements Verdict {
    }

    /** The expression could not be evaluated (a missing field, say); Flux retries, as for a dependency not ready. */
    public record Error(String message) implements Verdict {
    }

    private static final Set<String> VARIABLES = Set.of("self", "dep");

    private final CelExpression.Compiled expression;

    private ReadyExpr(CelExpression.Compiled expression) {
        this.expression = expression;
    }

    public static Compilation compile(String readyExpr) {
        CelExpression result = CelExpression.compile(readyExpr, VARIABLES);
        if (result instanceof CelExpression.Invalid invalid) {
            return new Invalid(invalid.message());
        }
        return new Valid(new ReadyExpr((CelExpression.Compiled) result));
    }

    /** Whether a readyExpr skips the built-in readiness check, given the AdditiveCELDependencyCheck gate. */
    public static boolean replacesBuiltInCheck(boolean additiveCelDependencyCheck) {
        return !additiveCelDependencyCheck;
    }

    public String expression() {
        return expression.expression();
    }

    /** Judges {@code dep} for {@code self}; messages name the dependency as Flux does ({@code namespace/name}). */
    public Verdict judge(JsonNode self, JsonNode dep) {
        CelEvaluation result = expression.evaluate(Map.of("self", self, "dep", dep));
        if (result instanceof CelEvaluation.Error error) {
            return new Error(error.message());
        }
        if (((CelEvaluation.Value) result).value()) {
            return new Ready();
        }
        String name = ObjectFields.stringField(dep, "", "metadata", "namespace") + "/"
                + ObjectFields.stringField(dep, "", "metadata", "name");
        return new NotReady("dependency '" + name + "' is not ready according to readyExpr eval");
    }
}
