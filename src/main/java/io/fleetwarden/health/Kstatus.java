package io.fleetwarden.health;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BiFunction;

/**
 * The status of a live object as {@code sigs.k8s.io/cli-utils/pkg/kstatus/status.Compute} computes it, in the same
 * order: deletion, the generation rule, the standard {@code Reconciling}/{@code Stalled} conditions, then the rules of
 * the built-in kinds, then a {@code Ready} condition, and otherwise Current (a custom resource without conditions, or
 * an object without status, is assumed reconciled).
 */
public final class Kstatus {

    /** Kind-specific rules keyed like kstatus' {@code legacyTypes}: {@code group/Kind}, or {@code Kind} for core. */
    private static final Map<String, BiFunction<JsonNode, Instant, Health>> BUILT_IN = Map.ofEntries(
            Map.entry("Service", (o, now) -> CoreStatus.service(o)),
            Map.entry("Pod", CoreStatus::pod),
            Map.entry("Secret", (o, now) -> CoreStatus.alwaysReady()),
            Map.entry("ConfigMap", (o, now) -> CoreStatus.alwaysReady()),
            Map.entry("PersistentVolumeClaim", (o, now) -> CoreStatus.pvc(o)),
            Map.entry("apps/StatefulSet", (o, now) -> WorkloadStatus.statefulSet(o)),
            Map.entry("apps/DaemonSet", (o, now) -> WorkloadStatus.daemonSet(o)),
            Map.entry("extensions/DaemonSet", (o, now) -> WorkloadStatus.daemonSet(o)),
            Map.entry("apps/Deployment", (o, now) -> WorkloadStatus.deployment(o)),
            Map.entry("extensions/Deployment", (o, now) -> WorkloadStatus.deployment(o)),
            Map.entry("apps/ReplicaSet", (o, now) -> WorkloadStatus.replicaSet(o)),
            Map.entry("extensions/ReplicaSet", (o, now) -> WorkloadStatus.replicaSet(o)),
            Map.entry("policy/PodDisruptionBudget", (o, now) -> CoreStatus.podDisruptionBudget()),
            Map.entry("batch/CronJob", (o, now) -> CoreStatus.alwaysReady()),
            Map.entry("batch/Job", (o, now) -> CoreStatus.job(o)),
            Map.entry("apiextensions.k8s.io/CustomResourceDefinition", (o, now) -> CoreStatus.customResourceDefinition(o)));

    private Kstatus() {
    }

    /** The health of {@code liveObject} now (a Pod's 15-second scheduling grace is measured from this instant). */
    public static Health of(JsonNode liveObject) {
        return of(liveObject, Instant.now());
    }

    /**
     * The health of {@code liveObject} at {@code now}. A field of the wrong type where kstatus reads strictly gives
     * {@link Health.Status#UNKNOWN}, as kstatus' pollers report a computation error.
     */
    public static Health of(JsonNode liveObject, Instant now) {
        try {
            Health generic = genericProperties(liveObject);
            if (generic != null) {
                return generic;
            }
            GroupKind gk = GroupKind.of(liveObject);
            BiFunction<JsonNode, Instant, Health> rule = BUILT_IN.get(gk.group().isEmpty() ? gk.kind()
                    : gk.group() + "/" + gk.kind());
            if (rule != null) {
                return rule.apply(liveObject, now);
            }
            Health ready = readyCondition(Condition.of(liveObject));
            return ready != null ? ready : Health.current("Resource is current");
        } catch (MalformedObjectException e) {
            return Health.unknown(GroupKind.of(liveObject) + " status cannot be computed: " + e.getMessage());
        }
    }

    /** kstatus' {@code checkGenericProperties}; null when it cannot decide. */
    private static Health genericProperties(JsonNode object) {
        String deletionTimestamp = ObjectFields.strictString(object, "metadata", "deletionTimestamp");
        if (deletionTimestamp != null && !deletionTimestamp.isEmpty()) {
            return new Health(Health.Status.TERMINATING, "Resource scheduled for deletion");
        }
        Health generation = generationRule(object);
        if (generation != null) {
            return generation;
        }
        for (Condition c : Condition.of(object)) {
            if (c.is("Reconciling", "True")) {
                return Health.inProgress(c.message());
            }
            if (c.is("Stalled", "True")) {
                return Health.failed(c.message());
            }
        }
        return null;
    }

    /**
     * kstatus' {@code checkGeneration}: an object whose controller has not yet observed its latest spec is
     * InProgress. Either field absent skips the rule (not every controller writes observedGeneration).
     */
    static Health generationRule(JsonNode object) {
        OptionalLong generation = ObjectFields.strictInt(object, "metadata", "generation");
        if (generation.isEmpty()) {
            return null;
        }
        OptionalLong observed = ObjectFields.strictInt(object, "status", "observedGeneration");
        if (observed.isPresent() && observed.getAsLong() != generation.getAsLong()) {
            return Health.inProgress(kind(object) + " generation is " + generation.getAsLong()
                    + ", but latest observed generation is " + observed.getAsLong());
        }
        return null;
    }

    /**
     * kstatus' {@code checkReadyCondition}: Ready=True is Current, False or Unknown is InProgress (kstatus cannot tell
     * progress from doom with Ready alone). kstatus carries the condition's message; when the controller left it
     * empty we name the condition, so the Kustomization's status still says what is missing.
     */
    private static Health readyCondition(List<Condition> conditions) {
        for (Condition c : conditions) {
            if (!c.type().equals("Ready")) {
                continue;
            }
            switch (c.status()) {
                case "True":
                    return Health.current("Resource is Ready");
                case "False", "Unknown":
                    return Health.inProgress(c.message().isEmpty()
                            ? "Ready condition is " + c.status() + (c.reason().isEmpty() ? "" : " (" + c.reason() + ")")
                            : c.message());
                default:
                    // kstatus ignores other values and keeps looking.
            }
        }
        return null;
    }

    static String kind(JsonNode object) {
        return ObjectFields.stringField(object, "", "kind");
    }
}
