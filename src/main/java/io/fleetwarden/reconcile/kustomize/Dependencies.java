package io.fleetwarden.reconcile.kustomize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetwarden.health.ReadyExpr;
import io.fleetwarden.reconcile.runtime.ObjectKey;
import java.util.Optional;
import java.util.function.Function;

/**
 * kustomize-controller's dependency check: each {@code dependsOn} Kustomization must exist, have observed its
 * generation and be Ready, and, when it shares our source, have applied the revision we are about to apply; or,
 * with a {@code readyExpr}, satisfy that CEL expression instead (Flux's default without the additive gate).
 */
public final class Dependencies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Dependencies() {
    }

    /**
     * Whether Kustomization {@code candidate} lists {@code changed} (a Kustomization) in its {@code dependsOn}: the
     * engine then queues it when the dependency's readiness changes.
     */
    public static boolean dependsOn(GenericKubernetesResource candidate,
            io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext changedKind,
            GenericKubernetesResource changed) {
        if (!io.fleetwarden.reconcile.FluxKinds.KUSTOMIZATION.getKind().equals(changedKind.getKind())) {
            return false;
        }
        JsonNode deps = JSON.valueToTree(candidate.getAdditionalProperties().get("spec")).path("dependsOn");
        for (JsonNode d : deps) {
            String ns = d.path("namespace").asText(candidate.getMetadata().getNamespace());
            if (d.path("name").asText("").equals(changed.getMetadata().getName())
                    && ns.equals(changed.getMetadata().getNamespace())) {
                return true;
            }
        }
        return false;
    }

    /** @return why we must wait, or empty when every dependency is ready */
    static Optional<String> notReady(JsonNode self, KustomizationSpec spec, String revision,
            Function<ObjectKey, GenericKubernetesResource> kustomizations) {
        for (KustomizationSpec.Dependency d : spec.dependsOn()) {
            String name = d.namespace() + "/" + d.name();
            GenericKubernetesResource dep = kustomizations.apply(new ObjectKey(d.namespace(), d.name()));
            if (dep == null) {
                return Optional.of("dependency '" + name + "' not found");
            }
            JsonNode depJson = JSON.valueToTree(dep);
            if (d.readyExpr() != null) {
                var compiled = ReadyExpr.compile(d.readyExpr());
                if (compiled instanceof ReadyExpr.Invalid invalid) {
                    return Optional.of("dependency '" + name + "': invalid readyExpr: " + invalid.message());
                }
                var verdict = ((ReadyExpr.Valid) compiled).readyExpr().judge(self, depJson);
                if (verdict instanceof ReadyExpr.NotReady n) {
                    return Optional.of("dependency '" + name + "' is not ready: " + n.message());
                }
                if (verdict instanceof ReadyExpr.Error e) {
                    return Optional.of("dependency '" + name + "': readyExpr failed: " + e.message());
                }
                continue;
            }
            JsonNode status = depJson.path("status");
            long generation = depJson.path("metadata").path("generation").asLong(0);
            if (status.path("observedGeneration").asLong(-1) != generation || !isReady(status)) {
                return Optional.of("dependency '" + name + "' is not ready");
            }
            JsonNode depSource = depJson.path("spec").path("sourceRef");
            String depSourceNamespace = depSource.path("namespace").asText(d.namespace());
            boolean sameSource = depSource.path("kind").asText("").equals(spec.sourceKind())
                    && depSource.path("name").asText("").equals(spec.sourceName())
                    && depSourceNamespace.equals(spec.sourceNamespace());
            if (sameSource && !revision.equals(status.path("lastAppliedRevision").asText(""))) {
                return Optional.of("dependency '" + name + "' revision is not up to date");
            }
        }
        return Optional.empty();
    }

    private static boolean isReady(JsonNode status) {
        for (JsonNode c : status.path("conditions")) {
            if ("Ready".equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
                return true;
            }
        }
        return false;
    }
}
