package io.fleetwarden.health;

import static io.fleetwarden.health.ObjectFields.intField;
import static io.fleetwarden.health.ObjectFields.stringField;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * kustomize-controller's own Job rule ({@code fluxcd/pkg/runtime/statusreaders}), which replaces kstatus' for
 * {@code batch/Job}: a running Job is InProgress (kstatus says Current), so a Kustomization with {@code wait: true}
 * waits for its Jobs to complete. A suspended Job is Current. Like Flux's reader it skips kstatus' generic rules
 * (deletion, generation, Reconciling/Stalled).
 */
public final class FluxJobStatus {

    private FluxJobStatus() {
    }

    public static Health of(JsonNode job) {
        try {
            return judge(job);
        } catch (MalformedObjectException e) {
            return Health.unknown("Failed to compute job status: " + e.getMessage());
        }
    }

    private static Health judge(JsonNode o) {
        JsonNode suspend = ObjectFields.at(o, "spec", "suspend");
        if (suspend.isBoolean() && suspend.booleanValue()) {
            return Health.current("Job is suspended");
        }
        long parallelism = intField(o, 1, "spec", "parallelism");
        long completions = intField(o, parallelism, "spec", "completions");
        long active = intField(o, 0, "status", "active");
        long succeeded = intField(o, 0, "status", "succeeded");
        long failed = intField(o, 0, "status", "failed");
        for (Condition c : Condition.of(o)) {
            if (c.is("Complete", "True")) {
                return Health.current("Job Completed. succeeded: " + succeeded + "/" + completions);
            }
            if (c.is("Failed", "True")) {
                return Health.failed("Job Failed. failed: " + failed + "/" + completions);
            }
        }
        if (stringField(o, "", "status", "startTime").isEmpty()) {
            return Health.inProgress("Job not started. active: 0/" + parallelism);
        }
        return Health.inProgress("Job in progress. success:" + succeeded + ", active: " + active + ", failed: "
                + failed);
    }
}
