package io.fleetwarden.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Struct;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructTypeReference;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A boolean CEL expression, compiled once and evaluated many times, in the environment Flux builds with cel-go
 * ({@code fluxcd/pkg/runtime/cel}): numeric comparisons across int/uint/double, optional types, and the strings, sets
 * and encoders extensions. Either {@link Compiled} or {@link Invalid}, whose message carries CEL's line:column.
 */
public sealed interface CelExpression permits CelExpression.Compiled, CelExpression.Invalid {

    String expression();

    /**
     * Compiles {@code expression} as Flux compiles a {@code dependsOn[].readyExpr}: type-checked, each variable an
     * object ({@code google.protobuf.Struct}, so its fields are dynamic), and the result must be typed bool.
     */
    static CelExpression compile(String expression, Set<String> variables) {
        Objects.requireNonNull(expression, "expression");
        CelCompilerBuilder builder = CelEnvironment.compiler(true).addMessageTypes(Struct.getDescriptor());
        for (String variable : new TreeSet<>(variables)) {
            builder.addVar(variable, StructTypeReference.create(Struct.getDescriptor().getFullName()));
        }
        CelValidationResult result = builder.build().compile(expression);
        if (result.hasError()) {
            return new Invalid(expression, "failed to parse the CEL expression '" + expression + "': "
                    + result.getErrorString());
        }
        CelAbstractSyntaxTree ast = ast(result);
        if (!ast.getResultType().equals(SimpleType.BOOL)) {
            return new Invalid(expression, "CEL expression output type mismatch: expected bool, got "
                    + ast.getResultType().name() + " in '" + expression + "'");
        }
        return Compiled.of(expression, ast, false);
    }

    /**
     * Compiles {@code expression} as Flux compiles a health-check expression: its free identifiers are the top-level
     * fields of the object it is evaluated on ({@code status.conditions}, {@code metadata.generation}), because not
     * every custom resource keeps to apiVersion/kind/metadata/spec/status. cel-go only parses these; cel-java
     * evaluates checked expressions only, so each free identifier is declared {@code dyn}, which accepts every
     * expression cel-go would run except one that could never evaluate (say {@code 1 + 'a'}), reported here rather
     * than on every poll. Aggregate literals may mix types, as unchecked cel-go allows.
     */
    static CelExpression compileOverObjectFields(String expression) {
        Objects.requireNonNull(expression, "expression");
        CelValidationResult parsed = CelEnvironment.compiler(false).build().parse(expression);
        if (parsed.hasError()) {
            return new Invalid(expression, "failed to parse the CEL expression '" + expression + "': "
                    + parsed.getErrorString());
        }
        CelCompilerBuilder builder = CelEnvironment.compiler(false);
        for (String identifier : freeIdentifiers(ast(parsed))) {
            builder.addVar(identifier, SimpleType.DYN);
        }
        CelValidationResult checked = builder.build().compile(expression);
        if (checked.hasError()) {
            return new Invalid(expression, "failed to check the CEL expression '" + expression + "': "
                    + checked.getErrorString());
        }
        return Compiled.of(expression, ast(checked), true);
    }

    /** A compiled expression; thread-safe. */
    final class Compiled implements CelExpression {

        private final String expression;
        private final CelRuntime.Program program;
        private final boolean overObjectFields;

        private Compiled(String expression, CelRuntime.Program program, boolean overObjectFields) {
            this.expression = expression;
            this.program = program;
            this.overObjectFields = overObjectFields;
        }

        private static Compiled of(String expression, CelAbstractSyntaxTree ast, boolean overObjectFields) {
            try {
                return new Compiled(expression, CelEnvironment.RUNTIME.createProgram(ast), overObjectFields);
            } catch (CelEvaluationException e) {
                // Only a function without a runtime binding gets here; our compiler and runtime share libraries.
                throw new IllegalStateException("CEL program for '" + expression + "': " + e.getMessage(), e);
            }
        }

        @Override
        public String expression() {
            return expression;
        }

        /** Evaluates with each variable bound to the JSON value given (an absent one is an evaluation error). */
        public CelEvaluation evaluate(Map<String, JsonNode> bindings) {
            Map<String, Object> activation = new HashMap<>();
            bindings.forEach((name, value) -> activation.put(name, CelValues.of(value)));
            return run(activation);
        }

        /**
         * Evaluates a {@link #compileOverObjectFields} expression on {@code object}: each top-level field is a
         * variable, and an identifier the object lacks is an evaluation error, as in cel-go.
         */
        public CelEvaluation evaluateOnObject(JsonNode object) {
            if (!overObjectFields) {
                throw new IllegalStateException("'" + expression + "' was compiled with declared variables");
            }
            Object fields = CelValues.of(object);
            @SuppressWarnings("unchecked")
            Map<String, Object> activation = fields instanceof Map ? (Map<String, Object>) fields : Map.of();
            return run(activation);
        }

        private CelEvaluation run(Map<String, Object> activation) {
            Object value;
            try {
                value = program.eval(activation);
            } catch (CelEvaluationException e) {
                return new CelEvaluation.Error("failed to evaluate the CEL expression '" + expression + "': "
                        + e.getMessage());
            }
            if (value instanceof Boolean b) {
                return new CelEvaluation.Value(b);
            }
            return new CelEvaluation.Error("failed to evaluate CEL expression as boolean: '" + expression
                    + "' (the result is " + describe(value) + ")");
        }
    }

    /** An expression that does not compile; {@code message} includes CEL's position ({@code <input>:line:column}). */
    record Invalid(String expression, String message) implements CelExpression {
    }

    private static CelAbstractSyntaxTree ast(CelValidationResult result) {
        try {
            return result.getAst();
        } catch (dev.cel.common.CelValidationException e) {
            throw new IllegalStateException("CEL reported no error but has no AST", e);
        }
    }

    /**
     * Identifiers the expression reads; includes comprehension variables, which shadow a same-named declaration, so
     * declaring them too is harmless. Type names ({@code int}, {@code string}...) stay types.
     */
    private static Set<String> freeIdentifiers(CelAbstractSyntaxTree ast) {
        return CelNavigableAst.fromAst(ast).getRoot().allNodes()
                .filter(node -> node.getKind() == CelExpr.ExprKind.Kind.IDENT)
                .map(node -> node.expr().ident().name())
                .filter(name -> name.matches("[_a-zA-Z][_a-zA-Z0-9]*") && !CelEnvironment.TYPE_NAMES.contains(name))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static String describe(Object value) {
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Long || value instanceof Double || value instanceof com.google.common.primitives.UnsignedLong) {
            return "a number";
        }
        if (value instanceof Map) {
            return "a map";
        }
        if (value instanceof java.util.List<?>) {
            return "a list";
        }
        return value == null || value instanceof dev.cel.common.values.NullValue
                || value instanceof com.google.protobuf.NullValue ? "null" : value.getClass().getSimpleName();
    }
}
