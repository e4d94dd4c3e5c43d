package io.fleetwarden.health;

import static io.fleetwarden.health.ObjectFields.intField;
import static io.fleetwarden.health.ObjectFields.stringField;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * kstatus' rules for the replicated workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet), checked in kstatus'
 * order so the first unmet requirement is the one reported. Counts default as the controllers do: spec.replicas 1,
 * status counts 0.
 */
final class WorkloadStatus {

    /** Go's math.MaxInt32: the API server's "no progress deadline", under which Progressing is never set. */
    private static final long NO_PROGRESS_DEADLINE = Integer.MAX_VALUE;

    private WorkloadStatus() {
    }

    static Health deployment(JsonNode o) {
        boolean progressing = intField(o, NO_PROGRESS_DEADLINE, "spec", "progressDeadlineSeconds") == NO_PROGRESS_DEADLINE;
        boolean available = false;
        for (Condition c : Condition.of(o)) {
            if (c.type().equals("Progressing")) {
                // The deployment controller sets this reason once spec.progressDeadlineSeconds passes without progress;
                // waiting longer will not help, so kstatus reports Failed.
                if (c.reason().equals("ProgressDeadlineExceeded")) {
                    return Health.failed("Progress deadline exceeded");
                }
                if (c.status().equals("True") && c.reason().equals("NewReplicaSetAvailable")) {
                    progressing = true;
                }
            } else if (c.type().equals("Available") && c.status().equals("True")) {
                available = true;
            }
        }
        long spec = intField(o, 1, "spec", "replicas");
        long replicas = intField(o, 0, "status", "replicas");
        long updated = intField(o, 0, "status", "updatedReplicas");
        long ready = intField(o, 0, "status", "readyReplicas");
        long availableReplicas = intField(o, 0, "status", "availableReplicas");
        if (spec > replicas) {
            return Health.inProgress("Replicas: " + replicas + "/" + spec);
        }
        if (spec > updated) {
            return Health.inProgress("Updated: " + updated + "/" + spec);
        }
        if (replicas > spec) {
            return Health.inProgress("Pending termination: " + (replicas - spec));
        }
        if (updated > availableReplicas) {
            return Health.inProgress("Available: " + availableReplicas + "/" + updated);
        }
        if (spec > ready) {
            return Health.inProgress("Ready: " + ready + "/" + spec);
        }
        if (!progressing) {
            return Health.inProgress("ReplicaSet not Available");
        }
        if (!available) {
            return Health.inProgress("Deployment not Available");
        }
        return Health.current("Deployment is available. Replicas: " + replicas);
    }

    /**
     * The StatefulSet controller sets no conditions, so only the counts and revisions tell; a failed rollout stays
     * InProgress until the caller's timeout.
     */
    static Health statefulSet(JsonNode o) {
        if (stringField(o, "", "spec", "updateStrategy", "type").equals("OnDelete")) {
            return Health.current("StatefulSet is using the ondelete update strategy");
        }
        long spec = intField(o, 1, "spec", "replicas");
        long ready = intField(o, 0, "status", "readyReplicas");
        long current = intField(o, 0, "status", "currentReplicas");
        long updated = intField(o, 0, "status", "updatedReplicas");
        long replicas = intField(o, 0, "status", "replicas");
        long partition = intField(o, -1, "spec", "updateStrategy", "rollingUpdate", "partition");
        if (spec > replicas) {
            return Health.inProgress("Replicas: " + replicas + "/" + spec);
        }
        if (spec > ready) {
            return Health.inProgress("Ready: " + ready + "/" + spec);
        }
        if (replicas > spec) {
            return Health.inProgress("Pending termination: " + (replicas - spec));
        }
        // With a partition only ordinals >= partition are updated, so the revisions never converge: count those.
        if (partition != -1) {
            if (updated < spec - partition) {
                return Health.inProgress("updated: " + updated + "/" + (spec - partition));
            }
            return Health.current("Partition rollout complete. updated: " + updated);
        }
        if (spec > current) {
            return Health.inProgress("current: " + current + "/" + spec);
        }
        if (!stringField(o, "", "status", "currentRevision").equals(stringField(o, "", "status", "updateRevision"))) {
            return Health.inProgress("Waiting for updated revision to match current");
        }
        return Health.current("All replicas scheduled as expected. Replicas: " + replicas);
    }

    static Health daemonSet(JsonNode o) {
        // The generic rule skips objects without the generation fields; a DaemonSet the controller has acted on always
        // has both, so their absence means it has not been observed yet.
        if (ObjectFields.strictInt(o, "metadata", "generation").isEmpty()) {
            return Health.inProgress(Kstatus.kind(o) + " metadata.generation not found");
        }
        if (ObjectFields.strictInt(o, "status", "observedGeneration").isEmpty()) {
            return Health.inProgress(Kstatus.kind(o) + " status.observedGeneration not found");
        }
        long desired = intField(o, -1, "status", "desiredNumberScheduled");
        long current = intField(o, 0, "status", "currentNumberScheduled");
        long updated = intField(o, 0, "status", "updatedNumberScheduled");
        long available = intField(o, 0, "status", "numberAvailable");
        long ready = intField(o, 0, "status", "numberReady");
        if (desired == -1) {
            return Health.inProgress("Missing .status.desiredNumberScheduled");
        }
        if (desired > current) {
            return Health.inProgress("Current: " + current + "/" + desired);
        }
        if (desired > updated) {
            return Health.inProgress("Updated: " + updated + "/" + desired);
        }
        if (desired > available) {
            return Health.inProgress("Available: " + available + "/" + desired);
        }
        if (desired > ready) {
            return Health.inProgress("Ready: " + ready + "/" + desired);
        }
        return Health.current("All replicas scheduled as expected. Replicas: " + desired);
    }

    static Health replicaSet(JsonNode o) {
        for (Condition c : Condition.of(o)) {
            if (c.is("ReplicaFailure", "True")) {
                return Health.inProgress("Replica Failure condition. Check Pods");
            }
        }
        long spec = intField(o, 1, "spec", "replicas");
        long replicas = intField(o, 0, "status", "replicas");
        long ready = intField(o, 0, "status", "readyReplicas");
        long available = intField(o, 0, "status", "availableReplicas");
        long labelled = intField(o, 0, "status", "fullyLabeledReplicas");
        if (spec > labelled) {
            return Health.inProgress("Labelled: " + labelled + "/" + spec);
        }
        if (spec > available) {
            return Health.inProgress("Available: " + available + "/" + spec);
        }
        if (spec > ready) {
            return Health.inProgress("Ready: " + ready + "/" + spec);
        }
        if (replicas > spec) {
            return Health.inProgress("Pending termination: " + (replicas - spec));
        }
        return Health.current("ReplicaSet is available. Replicas: " + replicas);
    }
}
