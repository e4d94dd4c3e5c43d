package io.fleetwarden.health;

import static io.fleetwarden.health.ObjectFields.boolField;
import static io.fleetwarden.health.ObjectFields.intField;
import static io.fleetwarden.health.ObjectFields.stringField;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** kstatus' rules for Pod, PVC, Service, Job, CRD, PodDisruptionBudget and the kinds that are always ready. */
final class CoreStatus {

    /** How long a Pod may be unschedulable before kstatus reports it Failed (kstatus' ScheduleWindow). */
    static final Duration SCHEDULE_WINDOW = Duration.ofSeconds(15);

    private CoreStatus() {
    }

    static Health alwaysReady() {
        return Health.current("Resource is always ready");
    }

    /**
     * kstatus only requires a LoadBalancer Service to have a cluster IP; it does not wait for
     * {@code status.loadBalancer.ingress} (a cloud load balancer may never come on bare metal).
     */
    static Health service(JsonNode o) {
        if (stringField(o, "ClusterIP", "spec", "type").equals("LoadBalancer")
                && stringField(o, "", "spec", "clusterIP").isEmpty()) {
            return Health.inProgress("ClusterIP not set. Service type: LoadBalancer");
        }
        return Health.current("Service is ready");
    }

    static Health pvc(JsonNode o) {
        String phase = stringField(o, "unknown", "status", "phase");
        if (!phase.equals("Bound")) {
            return Health.inProgress("PVC is not Bound. phase: " + phase);
        }
        return Health.current("PVC is Bound");
    }

    /** The disruption controller sets no conditions; once it observed the generation (generic rule) it is Current. */
    static Health podDisruptionBudget() {
        return Health.current("AllowedDisruptions has been computed.");
    }

    static Health pod(JsonNode o, Instant now) {
        List<Condition> conditions = Condition.of(o);
        String phase = stringField(o, "", "status", "phase");
        switch (phase) {
            case "Succeeded":
                return Health.current("Pod has completed successfully");
            case "Failed":
                // A finished Pod will not change any more, so kstatus does not wait on it.
                return Health.current("Pod has completed, but not successfully");
            case "Running":
                if (Condition.find(conditions, "Ready", "True").isPresent()) {
                    return Health.current("Pod is Ready");
                }
                List<String> crashLooping = crashLoopingContainers(o);
                if (!crashLooping.isEmpty()) {
                    return Health.failed("Containers in CrashLoop state: " + String.join(",", crashLooping));
                }
                return Health.inProgress("Pod is running but is not Ready");
            case "Pending":
                boolean unschedulable = Condition.find(conditions, "PodScheduled", "False")
                        .filter(c -> c.reason().equals("Unschedulable")).isPresent();
                if (unschedulable) {
                    if (now.minus(SCHEDULE_WINDOW).isBefore(creationTimestamp(o))) {
                        return Health.inProgress("Pod has not been scheduled");
                    }
                    return Health.failed("Pod could not be scheduled");
                }
                return Health.inProgress("Pod is in the Pending phase");
            case "":
                return Health.inProgress("Pod phase not available");
            default:
                throw new MalformedObjectException("unknown phase " + phase);
        }
    }

    /** kstatus' Job rule: Current once started (running counts), Failed on a Failed=True condition. */
    static Health job(JsonNode o) {
        long parallelism = intField(o, 1, "spec", "parallelism");
        long completions = intField(o, parallelism, "spec", "completions");
        long succeeded = intField(o, 0, "status", "succeeded");
        long active = intField(o, 0, "status", "active");
        long failed = intField(o, 0, "status", "failed");
        boolean suspended = boolField(o, false, "spec", "suspend");
        for (Condition c : Condition.of(o)) {
            if (c.is("Complete", "True")) {
                return Health.current("Job Completed. succeeded: " + succeeded + "/" + completions);
            }
            if (c.is("Failed", "True")) {
                return Health.failed("Job Failed. failed: " + failed + "/" + completions);
            }
            if (c.is("Suspended", "True") && suspended) {
                return Health.current("Job is suspended");
            }
        }
        if (stringField(o, "", "status", "startTime").isEmpty()) {
            return Health.inProgress("Job not started");
        }
        return Health.current("Job in progress. success:" + succeeded + ", active: " + active + ", failed: " + failed);
    }

    /** Established=True is Current; NamesAccepted=False (a name conflict) or Established=False is Failed. */
    static Health customResourceDefinition(JsonNode o) {
        for (Condition c : Condition.of(o)) {
            if (c.is("NamesAccepted", "False")) {
                return Health.failed(c.message());
            }
            if (c.type().equals("Established")) {
                if (c.status().equals("False") && !c.reason().equals("Installing")) {
                    return Health.failed(c.message());
                }
                if (c.status().equals("True")) {
                    return Health.current("CRD is established");
                }
            }
        }
        return Health.inProgress("Install in progress");
    }

    private static List<String> crashLoopingContainers(JsonNode o) {
        JsonNode statuses = ObjectFields.at(o, "status", "containerStatuses");
        List<String> names = new ArrayList<>();
        if (statuses.isMissingNode() || statuses.isNull()) {
            return names;
        }
        if (!statuses.isArray()) {
            throw new MalformedObjectException("status.containerStatuses is " + ObjectFields.describe(statuses)
                    + ", expected an array");
        }
        for (JsonNode cs : statuses) {
            if (cs.path("name").isTextual()
                    && "CrashLoopBackOff".equals(ObjectFields.stringField(cs, "", "state", "waiting", "reason"))) {
                names.add(cs.get("name").textValue());
            }
        }
        return names;
    }

    /** Go's zero time when absent or unparsable, which puts an unschedulable Pod past its window. */
    private static Instant creationTimestamp(JsonNode o) {
        String text = stringField(o, "", "metadata", "creationTimestamp");
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.parse("0001-01-01T00:00:00Z");
        }
    }
}
