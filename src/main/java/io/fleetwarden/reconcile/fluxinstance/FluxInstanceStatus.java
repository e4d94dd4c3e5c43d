package io.fleetwarden.reconcile.fluxinstance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.apply.ApplyResult;
import io.fleetwarden.reconcile.FluxKinds;
import io.fleetwarden.reconcile.status.EventRecorder;
import io.fleetwarden.reconcile.status.StatusFields;
import io.fleetwarden.reconcile.status.StatusWriter;
import io.fleetwarden.status.Condition;
import io.fleetwarden.status.ConditionTypes;
import io.fleetwarden.status.Reasons;
import java.time.Clock;
import java.util.List;

/**
 * The status a FluxInstance shows in engine mode, in Flux Operator's vocabulary ({@code Ready} with
 * {@code ReconciliationSucceeded}, {@code BuildFailed} or {@code ReconciliationFailed}; {@code Stalled} for a sync
 * only an edit can fix; {@code inventory} of what it applied), so {@code kubectl get fluxinstance} and Flux's tools
 * read it. Events (component {@code flux-operator}) only when something changed. Written only when it differs.
 */
public final class FluxInstanceStatus {

    private static final String COMPONENT = "flux-operator";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StatusWriter writer;
    private final EventRecorder events;
    private final Clock clock;

    public FluxInstanceStatus(KubernetesClient client, EventRecorder events, Clock clock) {
        this.writer = new StatusWriter(client, FluxKinds.FLUX_INSTANCE);
        this.events = events;
        this.clock = clock;
    }

    void stalled(GenericKubernetesResource object, String reason, String message) {
        long g = generation(object);
        warnOnce(object, reason, message);
        write(object, null, List.of(Condition.of(ConditionTypes.READY, Condition.FALSE, reason, message, g),
                Condition.of(ConditionTypes.STALLED, Condition.TRUE, reason, message, g)), List.of(ConditionTypes.RECONCILING));
    }

    void failed(GenericKubernetesResource object, String reason, String message) {
        long g = generation(object);
        warnOnce(object, reason, message);
        write(object, null, List.of(Condition.of(ConditionTypes.READY, Condition.FALSE, reason, message, g)),
                List.of(ConditionTypes.STALLED));
    }

    void succeeded(GenericKubernetesResource object, ApplyResult result, String message) {
        long g = generation(object);
        List<String> changes = result.applied().stream().filter(a -> a.action() != ApplyResult.Action.UNCHANGED
                && a.action() != ApplyResult.Action.SKIPPED).map(a -> a.ref().kind() + "/" + a.ref().namespace() + "/"
                        + a.ref().name() + " " + a.action().name().toLowerCase(java.util.Locale.ROOT)).toList();
        if (!changes.isEmpty()) {
            events.record(object, COMPONENT, EventRecorder.NORMAL, Reasons.RECONCILIATION_SUCCEEDED,
                    String.join("\n", changes));
        }
        write(object, result, List.of(Condition.of(ConditionTypes.READY, Condition.TRUE,
                Reasons.RECONCILIATION_SUCCEEDED, message, g)), List.of(ConditionTypes.STALLED,
                        ConditionTypes.RECONCILING));
    }

    private void warnOnce(GenericKubernetesResource object, String reason, String message) {
        if (StatusFields.readyDiffers(object, reason, message)) {
            events.record(object, COMPONENT, EventRecorder.WARNING, reason, message);
        }
    }

    private void write(GenericKubernetesResource object, ApplyResult applied, List<Condition> wanted,
            List<String> remove) {
        ObjectNode s = JSON.createObjectNode();
        if (applied != null) {
            s.set("inventory", StatusFields.inventory(applied.inventory()));
        }
        s.set("conditions", StatusFields.conditions(object, wanted, remove, clock));
        writer.write(object, s);
    }

    private static long generation(GenericKubernetesResource o) {
        return StatusFields.generation(o);
    }
}
