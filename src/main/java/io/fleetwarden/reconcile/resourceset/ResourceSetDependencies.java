package io.fleetwarden.reconcile.resourceset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.health.CelEvaluation;
import io.fleetwarden.health.CelExpression;
import io.fleetwarden.health.Health;
import io.fleetwarden.health.Kstatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A ResourceSet's {@code spec.dependsOn}, as Flux Operator checks it: each object must exist; with {@code ready:
 * true} its {@code readyExpr} (CEL over the object's fields) must hold, or, without one, a ResourceSet or
 * ResourceSetInputProvider must be Ready at its generation and any other kind must be Current by kstatus. The
 * expressions are compiled before anything else: an invalid one is a terminal error.
 */
final class ResourceSetDependencies {

    /** Flux Operator's built-in readiness of its own kinds. */
    static final String HEALTH_CHECK_EXPR = "status.conditions.filter(c, c.type == 'Ready').all(c, c.status == 'True'"
            + " && c.observedGeneration == metadata.generation)";

    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    /** The compiled expressions, one per dependency (null where none applies). */
    record Compiled(List<CelExpression.Compiled> exprs) {
    }

    private ResourceSetDependencies() {
    }

    /** @throws IllegalArgumentException with Flux Operator's message for the first invalid expression */
    static Compiled compile(ResourceSetSpec spec) {
        List<CelExpression.Compiled> out = new ArrayList<>();
        for (ResourceSetSpec.Dependency d : spec.dependsOn()) {
            String text = d.ready() && !d.readyExpr().isEmpty() ? d.readyExpr()
                    : d.ready() && ownKind(d) ? HEALTH_CHECK_EXPR : null;
            if (text == null) {
                out.add(null);
                continue;
            }
            CelExpression e = CelExpression.compileOverObjectFields(text);
            if (e instanceof CelExpression.Invalid invalid) {
                throw new IllegalArgumentException("failed to parse expression for dependency " + d.describe() + ": "
                        + invalid.message());
            }
            out.add((CelExpression.Compiled) e);
        }
        return new Compiled(out);
    }

    /**
     * @param read the dependency as the engine sees it (its cache, else a GET); null when it does not exist
     * @return why the ResourceSet must wait, or empty when every dependency is ready
     */
    static Optional<String> notReady(String ownNamespace, ResourceSetSpec spec, Compiled compiled,
            Function<ResourceSetSpec.Dependency, JsonNode> read) {
        for (int i = 0; i < spec.dependsOn().size(); i++) {
            ResourceSetSpec.Dependency d = spec.dependsOn().get(i);
            JsonNode found;
            try {
                found = read.apply(d);
            } catch (RuntimeException e) {
                return Optional.of("dependency " + d.describe() + " not found: " + e.getMessage());
            }
            if (found == null) {
                return Optional.of("dependency " + d.describe() + " not found");
            }
            if (!d.ready()) {
                continue;
            }
            ObjectNode dep = found.deepCopy();
            // As Flux Operator: the kubectl annotation is not for expressions, and a Secret of another namespace
            // shows no data (the dependency is read with more rights than the ResourceSet may have).
            if (dep.path("metadata").path("annotations") instanceof ObjectNode a) {
                a.remove(LAST_APPLIED);
            }
            if (!d.namespace().equals(ownNamespace) && "v1".equals(d.apiVersion()) && "Secret".equals(d.kind())) {
                dep.remove("data");
            }
            CelExpression.Compiled expr = compiled.exprs().get(i);
            if (expr != null) {
                CelEvaluation v = expr.evaluateOnObject(dep);
                if (v instanceof CelEvaluation.Error err) {
                    return Optional.of("dependency " + d.describe() + ": " + err.message());
                }
                if (!((CelEvaluation.Value) v).value()) {
                    return Optional.of(d.readyExpr().isEmpty() ? "dependency " + d.describe() + " not ready"
                            : "dependency " + d.describe() + " not ready: expression '" + d.readyExpr() + "'");
                }
                continue;
            }
            Health h = Kstatus.of(dep);
            if (h.status() != Health.Status.CURRENT) {
                return Optional.of("dependency " + d.describe() + " not ready: status " + goStatus(h.status()));
            }
        }
        return Optional.empty();
    }

    /** By kind alone, as Flux Operator decides it. */
    static boolean ownKind(ResourceSetSpec.Dependency d) {
        return "ResourceSet".equals(d.kind()) || "ResourceSetInputProvider".equals(d.kind());
    }

    /** kstatus spells its statuses {@code InProgress}, {@code Current}, ... */
    private static String goStatus(Health.Status s) {
        StringBuilder sb = new StringBuilder();
        for (String part : s.name().toLowerCase().split("_")) {
            sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return sb.toString();
    }
}
