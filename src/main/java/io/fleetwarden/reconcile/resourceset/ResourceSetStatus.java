package io.fleetwarden.reconcile.resourceset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fleetwarden.apply.Inventory;
import io.fleetwarden.reconcile.FluxKinds;
import io.fleetwarden.reconcile.status.ConditionsJson;
import io.fleetwarden.reconcile.status.EventRecorder;
import io.fleetwarden.reconcile.status.Finalizers;
import io.fleetwarden.reconcile.status.StatusFields;
import io.fleetwarden.reconcile.status.StatusWriter;
import io.fleetwarden.status.Condition;
import io.fleetwarden.status.ConditionTypes;
import io.fleetwarden.status.Reasons;
import java.time.Clock;
import java.util.List;

/**
 * The status a ResourceSet shows, as Flux Operator writes it: {@code inventory}, {@code lastAppliedRevision}
 * ({@code sha256:} of the applied objects), {@code history}, {@code lastHandledReconcileAt} and the conditions {@code Ready},
 * {@code Reconciling} and {@code Stalled} with its reasons and messages; Events with its reasons (component
 * {@code flux-operator}). The CRD has no {@code observedGeneration} in its status: the conditions carry it.
 * Written only when it differs from what the object shows.
 */
final class ResourceSetStatus {

    static final String COMPONENT = "flux-operator";
    static final String IN_PROGRESS = "Reconciliation in progress";
    static final String TERMINAL = "Reconciliation failed terminally due to configuration error";
    static final String APPLY_SUCCEEDED = "ApplySucceeded";
    static final String RECONCILIATION_DISABLED = "ReconciliationDisabled";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Finalizers finalizers;
    private final StatusWriter writer;
    private final EventRecorder events;
    private final Clock clock;

    ResourceSetStatus(KubernetesClient client, EventRecorder events, Clock clock) {
        this.finalizers = new Finalizers(client, FluxKinds.RESOURCE_SET, ResourceSetSpec.FINALIZER);
        this.writer = new StatusWriter(client, FluxKinds.RESOURCE_SET);
        this.events = events;
        this.clock = clock;
    }

    static Inventory inventory(GenericKubernetesResource object) {
        JsonNode inv = status(object).path("inventory");
        return inv.isObject() ? Inventory.fromJson(inv.toString()) : Inventory.empty();
    }

    /** Build and input errors, invalid expressions: no retry until the ResourceSet (or a provider) changes. */
    void stalled(GenericKubernetesResource object, String reason, String message, History.Entry history) {
        long g = generation(object);
        warnOnce(object, reason, message);
        write(object, null, null, history, List.of(Condition.of(ConditionTypes.READY, Condition.FALSE, reason, message, g),
                Condition.of(ConditionTypes.STALLED, Condition.TRUE, reason, message, g)),
                List.of(ConditionTypes.RECONCILING));
    }

    void dependencyNotReady(GenericKubernetesResource object, String message) {
        long g = generation(object);
        Condition before = ConditionsJson.find(ConditionsJson.read(status(object)), ConditionTypes.READY);
        if (before == null || !Reasons.DEPENDENCY_NOT_READY.equals(before.reason())) {
            events.record(object, COMPONENT, EventRecorder.NORMAL, Reasons.DEPENDENCY_NOT_READY, message);
        }
        write(object, null, null, null, List.of(
                Condition.of(ConditionTypes.READY, Condition.FALSE, Reasons.DEPENDENCY_NOT_READY, message, g),
                Condition.of(ConditionTypes.RECONCILING, Condition.TRUE, Reasons.PROGRESSING_WITH_RETRY, IN_PROGRESS, g)),
                List.of(ConditionTypes.STALLED));
    }

    /**
     * A failure retrying may cure (apply, garbage collection, health, a copyFrom source, a tenancy refusal a policy
     * change may lift); nothing was pruned. {@code inventory} null: unchanged.
     */
    void failed(GenericKubernetesResource object, Inventory inventory, String reason, String message,
            History.Entry history) {
        long g = generation(object);
        warnOnce(object, reason, message);
        write(object, inventory, null, history, List.of(
                Condition.of(ConditionTypes.READY, Condition.FALSE, reason, message, g),
                Condition.of(ConditionTypes.RECONCILING, Condition.TRUE, Reasons.PROGRESSING_WITH_RETRY, IN_PROGRESS, g)),
                List.of(ConditionTypes.STALLED));
    }

    void progressing(GenericKubernetesResource object, Inventory inventory, String message) {
        long g = generation(object);
        write(object, inventory, null, null, List.of(
                Condition.of(ConditionTypes.READY, Condition.UNKNOWN, Reasons.PROGRESSING, IN_PROGRESS, g),
                Condition.of(ConditionTypes.RECONCILING, Condition.TRUE, Reasons.PROGRESSING, message, g)),
                List.of(ConditionTypes.STALLED));
    }

    void succeeded(GenericKubernetesResource object, Inventory inventory, String digest, String message,
            History.Entry history) {
        long g = generation(object);
        events.record(object, COMPONENT, EventRecorder.NORMAL, Reasons.RECONCILIATION_SUCCEEDED, message);
        write(object, inventory, digest, history, List.of(
                Condition.of(ConditionTypes.READY, Condition.TRUE, Reasons.RECONCILIATION_SUCCEEDED, message, g)),
                List.of(ConditionTypes.RECONCILING, ConditionTypes.STALLED));
    }

    /** The change set, one line per object as Flux's ssa writes it ({@code Kind/namespace/name created}). */
    void changeSet(GenericKubernetesResource object, List<String> lines) {
        if (!lines.isEmpty()) {
            events.record(object, COMPONENT, EventRecorder.NORMAL, APPLY_SUCCEEDED, String.join("\n", lines));
        }
    }

    void event(GenericKubernetesResource object, String type, String reason, String message) {
        events.record(object, COMPONENT, type, reason, message);
    }

    /** Flux Operator's finalizer, added before anything else: deleting the ResourceSet then deletes its objects. */
    void ensureFinalizer(GenericKubernetesResource object) {
        finalizers.ensure(object);
    }

    void removeFinalizer(GenericKubernetesResource object) {
        finalizers.remove(object);
    }


    private void warnOnce(GenericKubernetesResource object, String reason, String message) {
        if (StatusFields.readyDiffers(object, reason, message)) {
            events.record(object, COMPONENT, EventRecorder.WARNING, reason, message);
        }
    }

    private void write(GenericKubernetesResource object, Inventory inventory, String digest, History.Entry history,
            List<Condition> wanted, List<String> remove) {
        ObjectNode s = JSON.createObjectNode();
        if (inventory != null) {
            s.set("inventory", StatusFields.inventory(inventory));
        }
        if (digest != null) {
            s.put("lastAppliedRevision", digest);
        }
        if (history != null) {
            s.set("history", History.upsert(status(object).path("history"), history));
        }
        String requested = object.getMetadata().getAnnotations() == null ? null
                : object.getMetadata().getAnnotations().get(FluxKinds.REQUESTED_AT);
        if (requested != null) {
            s.put("lastHandledReconcileAt", requested);
        }
        s.set("conditions", StatusFields.conditions(object, wanted, remove, clock));
        writer.write(object, s);
    }

    private static JsonNode status(GenericKubernetesResource object) {
        return StatusFields.status(object);
    }

    private static long generation(GenericKubernetesResource o) {
        return StatusFields.generation(o);
    }
}
