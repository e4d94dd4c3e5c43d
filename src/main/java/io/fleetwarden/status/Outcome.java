package io.fleetwarden.status;

import java.time.Duration;

/**
 * What happens after a reconcile, so that a failure says whether retrying can help. The controller turns it
 * into the next schedule; the status step turns it into conditions.
 */
public sealed interface Outcome {

    /** Reconciled; look again after {@code next} (the object's interval). */
    record Done(Duration next) implements Outcome {
    }

    /**
     * Not finished but nothing failed (a health check in progress, a dependency not yet ready): look again after
     * {@code after}, without counting a failure.
     */
    record Waiting(String reason, String message, Duration after) implements Outcome {
    }

    /** Failed in a way that may pass on its own (a registry down, a conflict): retry with backoff. */
    record Retry(String reason, String message, Duration retryInterval) implements Outcome {
    }

    /** Failed in a way only a change to the object or a policy can fix: no retry until it changes. */
    record Stalled(String reason, String message) implements Outcome {
    }
}
