package io.fleetwarden.reconcile.fluxinstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetwarden.apply.Applier;
import io.fleetwarden.apply.ApplyOptions;
import io.fleetwarden.apply.ApplyResult;
import io.fleetwarden.apply.Impersonation;
import io.fleetwarden.reconcile.FluxDurations;
import io.fleetwarden.reconcile.kustomize.TenantGuard;
import io.fleetwarden.reconcile.runtime.ObjectKey;
import io.fleetwarden.reconcile.runtime.Reconciler;
import io.fleetwarden.render.FluxInstanceSync;
import io.fleetwarden.render.Limits;
import io.fleetwarden.render.RenderException;
import io.fleetwarden.status.Outcome;
import io.fleetwarden.status.Reasons;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A Flux Operator {@code FluxInstance} in engine mode: its {@code spec.sync} becomes the source and Kustomization
 * Flux Operator would generate ({@link FluxInstanceSync}), applied with Flux Operator's field manager, so that a
 * D2 cluster's bootstrap manifest works unchanged and the fleet comes up from its artifact with no Flux controller.
 *
 * <p>The distribution (Flux's controllers) is not installed: fleetwarden reconciles Flux's kinds in their place,
 * and the status says so. Deleting the FluxInstance leaves the sync objects where they are (no finalizer): Flux
 * Operator's uninstall orphans what Flux manages too, and a deleted sync Kustomization would prune the whole fleet.
 *
 * <p>Steps: read; disabled?; render the sync (a bad sync stalls); apply as the platform identity (the configured
 * default service account, else fleetwarden); status and, on a change, an Event; look again after
 * {@code reconcileEvery} (Flux Operator's default, 1h).
 */
public final class FluxInstanceReconciler implements Reconciler {

    static final String FIELD_MANAGER = "flux-operator";
    static final String RECONCILE_EVERY = "fluxcd.controlplane.io/reconcileEvery";
    static final String RECONCILE = "fluxcd.controlplane.io/reconcile";
    private static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
    private static final Duration APPLY_TIMEOUT = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<ObjectKey, GenericKubernetesResource> cache;
    private final Applier applier;
    private final TenantGuard tenancy;
    private final FluxInstanceStatus status;
    private final Clock clock;

    public FluxInstanceReconciler(Function<ObjectKey, GenericKubernetesResource> cache, Applier applier,
            TenantGuard tenancy, FluxInstanceStatus status, Clock clock) {
        this.cache = cache;
        this.applier = applier;
        this.tenancy = tenancy;
        this.status = status;
        this.clock = clock;
    }

    @Override
    public Outcome reconcile(ObjectKey key) {
        GenericKubernetesResource object = cache.apply(key);
        if (object == null || object.getMetadata().getDeletionTimestamp() != null) {
            return new Outcome.Done(null);
        }
        Map<String, String> annotations = object.getMetadata().getAnnotations() == null ? Map.of()
                : object.getMetadata().getAnnotations();
        if ("disabled".equalsIgnoreCase(annotations.get(RECONCILE))) {
            return new Outcome.Done(null);
        }
        Duration interval;
        List<ObjectNode> objects;
        try {
            interval = annotations.containsKey(RECONCILE_EVERY)
                    ? FluxDurations.parse(annotations.get(RECONCILE_EVERY), "annotation " + RECONCILE_EVERY)
                    : DEFAULT_INTERVAL;
            JsonNode json = JSON.valueToTree(object);
            objects = FluxInstanceSync.render(json, Limits.DEFAULT);
        } catch (RenderException | IllegalArgumentException e) {
            String message = "build failed: " + e.getMessage();
            status.stalled(object, Reasons.BUILD_FAILED, message);
            return new Outcome.Stalled(Reasons.BUILD_FAILED, message);
        }
        Instant started = clock.instant();
        Impersonation as = tenancy.identity(key.namespace(), null);
        ApplyResult result = applier.apply(objects, as, new ApplyOptions(FIELD_MANAGER, false, false),
                started.plus(APPLY_TIMEOUT));
        if (!result.succeeded()) {
            String message = "reconciliation failed: " + String.join("; ", result.failures().stream()
                    .map(ApplyResult.Failure::message).toList());
            status.failed(object, Reasons.RECONCILIATION_FAILED, message);
            return new Outcome.Retry(Reasons.RECONCILIATION_FAILED, message, null);
        }
        String applied = objects.isEmpty() ? "no sync configured"
                : "sync " + String.join(", ", objects.stream().map(o -> o.path("kind").asText() + "/"
                        + o.at("/metadata/namespace").asText() + "/" + o.at("/metadata/name").asText()).toList())
                        + " applied";
        status.succeeded(object, result, "Reconciliation finished in engine mode: " + applied
                + "; the Flux distribution is not installed (fleetwarden reconciles Flux's kinds)");
        return new Outcome.Done(interval);
    }
}
