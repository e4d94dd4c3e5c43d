package io.fleetwarden.reconcile.kustomize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fleetwarden.apply.ApplyResult;
import io.fleetwarden.apply.Inventory;
import io.fleetwarden.apply.PruneResult;
import io.fleetwarden.reconcile.FluxKinds;
import io.fleetwarden.reconcile.source.StoredArtifact;
import io.fleetwarden.reconcile.status.ConditionsJson;
import io.fleetwarden.reconcile.status.EventRecorder;
import io.fleetwarden.reconcile.status.Finalizers;
import io.fleetwarden.reconcile.status.StatusWriter;
import io.fleetwarden.status.Condition;
import io.fleetwarden.status.ConditionTypes;
import io.fleetwarden.status.Outcome;
import io.fleetwarden.status.Reasons;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The status a Kustomization shows, as kustomize-controller writes it: {@code observedGeneration},
 * {@code lastAttemptedRevision}, {@code lastAppliedRevision} (and its origin revision), {@code inventory}, and
 * the conditions {@code Ready}, {@code Reconciling}, {@code Stalled}, {@code Healthy} with Flux's reasons; plus an
 * Event when something changed. Written only when it differs from what the object shows.
 */
final class KustomizationStatus {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Finalizers finalizers;
    private final StatusWriter writer;
    private final EventRecorder events;
    private final Clock clock;

    KustomizationStatus(KubernetesClient client, EventRecorder events, Clock clock) {
        this.finalizers = new Finalizers(client, FluxKinds.KUSTOMIZATION, FluxKinds.FINALIZER);
        this.writer = new StatusWriter(client, FluxKinds.KUSTOMIZATION);
        this.events = events;
        this.clock = clock;
    }

    static Inventory inventory(GenericKubernetesResource object) {
        JsonNode inv = status(object).path("inventory");
        if (!inv.isObject()) {
            return Inventory.empty();
        }
        return Inventory.fromJson(inv.toString());
    }

    Outcome failed(GenericKubernetesResource object, String revision, Outcome outcome) {
        String reason = outcome instanceof Outcome.Stalled s ? s.reason() : ((Outcome.Retry) outcome).reason();
        String message = outcome instanceof Outcome.Stalled s ? s.message() : ((Outcome.Retry) outcome).message();
        write(object, revision, null, null, failure(object, outcome, reason, message), List.of(ConditionTypes.HEALTHY));
        return outcome;
    }

    Outcome waiting(GenericKubernetesResource object, String revision, Outcome.Waiting w) {
        long g = generation(object);
        List<Condition> c = List.of(
                Condition.of(ConditionTypes.READY, Condition.FALSE, w.reason(), w.message(), g),
                Condition.of(ConditionTypes.RECONCILING, Condition.TRUE, Reasons.PROGRESSING, w.message(), g));
        write(object, revision, null, null, c, List.of(ConditionTypes.STALLED));
        return w;
    }

    Outcome applyFailed(GenericKubernetesResource object, String revision, Inventory kept, ApplyResult applied,
            Duration retry) {
        List<String> lines = applied.failures().stream().map(f -> f.ref() + ": " + f.message()).toList();
        String message = "apply failed, nothing pruned: " + String.join("; ", lines);
        Outcome.Retry r = new Outcome.Retry(Reasons.RECONCILIATION_FAILED, message, retry);
        write(object, revision, null, kept, failure(object, r, r.reason(), message), List.of());
        return r;
    }

    Outcome pruneFailed(GenericKubernetesResource object, String revision, Inventory next, ApplyResult applied,
            PruneResult pruned, Duration retry) {
        String message = "prune failed, kept in the inventory to retry: " + String.join("; ", pruned.failures()
                .stream().map(f -> f.ref() + ": " + f.message()).toList());
        Outcome.Retry r = new Outcome.Retry(Reasons.PRUNE_FAILED, message, retry);
        write(object, revision, null, next, failure(object, r, r.reason(), message), List.of());
        return r;
    }

    Outcome healthFailed(GenericKubernetesResource object, String revision, Inventory next, ApplyResult applied,
            PruneResult pruned, String message, Duration retry) {
        Outcome.Retry r = new Outcome.Retry(Reasons.HEALTH_CHECK_FAILED, message, retry);
        List<Condition> c = new ArrayList<>(failure(object, r, r.reason(), message));
        c.add(Condition.of(ConditionTypes.HEALTHY, Condition.FALSE, Reasons.HEALTH_CHECK_FAILED, message,
                generation(object)));
        announce(object, applied, pruned);
        write(object, revision, null, next, c, List.of());
        return r;
    }

    Outcome progressing(GenericKubernetesResource object, String revision, Inventory next, ApplyResult applied,
            PruneResult pruned, String message, Duration poll) {
        long g = generation(object);
        List<Condition> c = List.of(
                Condition.of(ConditionTypes.READY, Condition.UNKNOWN, Reasons.PROGRESSING, "Reconciliation in progress",
                        g),
                Condition.of(ConditionTypes.RECONCILING, Condition.TRUE, Reasons.PROGRESSING, message, g),
                Condition.of(ConditionTypes.HEALTHY, Condition.UNKNOWN, Reasons.PROGRESSING, message, g));
        announce(object, applied, pruned);
        write(object, revision, null, next, c, List.of(ConditionTypes.STALLED));
        return new Outcome.Waiting(Reasons.PROGRESSING, message, poll);
    }

    Outcome succeeded(GenericKubernetesResource object, StoredArtifact artifact, Inventory next, ApplyResult applied,
            PruneResult pruned, boolean healthChecked, Duration interval) {
        long g = generation(object);
        String message = "Applied revision: " + artifact.revision();
        List<Condition> c = new ArrayList<>();
        c.add(Condition.of(ConditionTypes.READY, Condition.TRUE, Reasons.RECONCILIATION_SUCCEEDED, message, g));
        List<String> remove = new ArrayList<>(List.of(ConditionTypes.RECONCILING, ConditionTypes.STALLED));
        if (healthChecked) {
            c.add(Condition.of(ConditionTypes.HEALTHY, Condition.TRUE, Reasons.SUCCEEDED, "Health check passed", g));
        } else {
            remove.add(ConditionTypes.HEALTHY);
        }
        announce(object, applied, pruned);
        write(object, artifact.revision(), artifact, next, c, remove);
        return new Outcome.Done(interval);
    }

    /** Flux's finalizer, so that deleting the Kustomization garbage-collects its objects by its deletionPolicy. */
    void ensureFinalizer(GenericKubernetesResource object) {
        finalizers.ensure(object);
    }

    boolean hasFinalizer(GenericKubernetesResource object) {
        return finalizers.isOn(object);
    }

    /** Being deleted with an unreadable spec: its objects are left where they are, and the finalizer released. */
    void orphaned(GenericKubernetesResource object, String why) {
        leftInPlace(object, "deleted with a spec that cannot be read (" + why + "): its objects were left in place "
                + "(orphaned)");
    }

    /** Releases the finalizer without deleting anything, saying why in a Warning Event. */
    void leftInPlace(GenericKubernetesResource object, String message) {
        if (!finalizers.isOn(object)) {
            return;
        }
        events.record(object, KustomizationReconciler.COMPONENT, EventRecorder.WARNING, Reasons.RECONCILIATION_FAILED,
                message);
        removeFinalizer(object);
    }

    void removeFinalizer(GenericKubernetesResource object) {
        finalizers.remove(object);
    }


    private List<Condition> failure(GenericKubernetesResource object, Outcome outcome, String reason, String message) {
        long g = generation(object);
        List<Condition> c = new ArrayList<>();
        c.add(Condition.of(ConditionTypes.READY, Condition.FALSE, reason, message, g));
        if (outcome instanceof Outcome.Stalled) {
            c.add(Condition.of(ConditionTypes.STALLED, Condition.TRUE, reason, message, g));
        } else {
            c.add(Condition.of(ConditionTypes.RECONCILING, Condition.TRUE, Reasons.PROGRESSING_WITH_RETRY,
                    "retrying after failure: " + message, g));
        }
        Condition before = ConditionsJson.find(ConditionsJson.read(status(object)), ConditionTypes.READY);
        if (before == null || !before.reason().equals(reason) || !before.message().equals(message)) {
            events.record(object, KustomizationReconciler.COMPONENT, EventRecorder.WARNING, reason, message);
        }
        return c;
    }

    /** An Event listing what changed, as kustomize-controller's change set (nothing when nothing changed). */
    private void announce(GenericKubernetesResource object, ApplyResult applied, PruneResult pruned) {
        List<String> lines = new ArrayList<>();
        if (applied != null) {
            for (ApplyResult.Applied a : applied.applied()) {
                switch (a.action()) {
                    case CREATED -> lines.add(changeSetName(a.ref()) + " created");
                    case CONFIGURED -> lines.add(changeSetName(a.ref()) + " configured");
                    case RECREATED -> lines.add(changeSetName(a.ref()) + " recreated");
                    default -> {
                    }
                }
            }
        }
        if (pruned != null) {
            pruned.outcomes().stream().filter(p -> p.outcome() == PruneResult.Outcome.DELETED)
                    .forEach(p -> lines.add(changeSetName(p.ref()) + " deleted"));
        }
        if (!lines.isEmpty()) {
            events.record(object, KustomizationReconciler.COMPONENT, EventRecorder.NORMAL, "Progressing",
                    String.join("\n", lines));
        }
    }

    /** As Flux's change set names objects: {@code Kind/namespace/name}, {@code Kind/name} when cluster-scoped. */
    static String changeSetName(io.fleetwarden.apply.ObjectRef ref) {
        return ref.kind() + "/" + (ref.namespace() == null || ref.namespace().isEmpty() ? "" : ref.namespace() + "/")
                + ref.name();
    }

    private void write(GenericKubernetesResource object, String attempted, StoredArtifact applied, Inventory inventory,
            List<Condition> wanted, List<String> remove) {
        ObjectNode s = JSON.createObjectNode();
        long g = generation(object);
        s.put("observedGeneration", g);
        if (attempted != null) {
            s.put("lastAttemptedRevision", attempted);
        }
        if (applied != null) {
            s.put("lastAppliedRevision", applied.revision());
            String origin = applied.artifact().originRevision();
            if (origin != null) {
                s.put("lastAppliedOriginRevision", origin);
            }
        }
        if (inventory != null) {
            s.set("inventory", JSON.valueToTree(readTree(inventory.toJson())));
        }
        String requested = object.getMetadata().getAnnotations() == null ? null
                : object.getMetadata().getAnnotations().get(FluxKinds.REQUESTED_AT);
        if (requested != null) {
            s.put("lastHandledReconcileAt", requested);
        }
        List<Condition> previous = ConditionsJson.read(status(object));
        s.set("conditions", ConditionsJson.write(Condition.merge(previous, wanted, remove, clock.instant().toString())));
        writer.write(object, s);
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode status(GenericKubernetesResource object) {
        return JSON.valueToTree(object.getAdditionalProperties().get("status"));
    }

    private static long generation(GenericKubernetesResource o) {
        return o.getMetadata().getGeneration() == null ? 0 : o.getMetadata().getGeneration();
    }
}
