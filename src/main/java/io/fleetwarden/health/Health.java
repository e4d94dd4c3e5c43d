package io.fleetwarden.health;

import java.util.Objects;

/**
 * The health of one live object, as kstatus reports it: a status and a message saying why. The message ends up in a
 * Kustomization's status, so it names what is missing ("Ready: 1/3", "Deployment generation is 4, but latest observed
 * generation is 3").
 */
public record Health(Status status, String message) {

    /** kstatus statuses ({@code sigs.k8s.io/cli-utils/pkg/kstatus/status}). */
    public enum Status {
        /** The object has reached its desired state. */
        CURRENT,
        /** The object is being reconciled; waiting may make it Current. */
        IN_PROGRESS,
        /** The object will not become Current without a change (Stalled, deadline exceeded, Job failed). */
        FAILED,
        /** {@code metadata.deletionTimestamp} is set. */
        TERMINATING,
        /** The object does not exist in the cluster. */
        NOT_FOUND,
        /**
         * The status could not be computed: the object is malformed (a field of the wrong type) or a health-check
         * expression failed to evaluate. kstatus pollers keep polling an Unknown object until the timeout.
         */
        UNKNOWN
    }

    public Health {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
    }

    public static Health current(String message) {
        return new Health(Status.CURRENT, message);
    }

    public static Health inProgress(String message) {
        return new Health(Status.IN_PROGRESS, message);
    }

    public static Health failed(String message) {
        return new Health(Status.FAILED, message);
    }

    public static Health unknown(String message) {
        return new Health(Status.UNKNOWN, message);
    }

    /** What a poller reports for an object that is not in the cluster (kstatus' message). */
    public static Health notFound() {
        return new Health(Status.NOT_FOUND, "Resource not found");
    }

    public boolean isCurrent() {
        return status == Status.CURRENT;
    }
}
