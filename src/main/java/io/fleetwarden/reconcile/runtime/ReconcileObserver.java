package io.fleetwarden.reconcile.runtime;

import io.fleetwarden.status.Outcome;
import java.time.Duration;

/** What a {@link Controller} tells about its reconciles, for metrics: each run and each object it forgets. */
public interface ReconcileObserver {

    ReconcileObserver NONE = new ReconcileObserver() {
    };

    /** A worker took the object and is about to reconcile it. */
    default void started(ObjectKey key) {
    }

    /** The reconcile ended after {@code took} with {@code outcome} (an unexpected exception counts as a Retry). */
    default void finished(ObjectKey key, Duration took, Outcome outcome) {
    }

    /** The object is gone; nothing more will be said about it. */
    default void forgotten(ObjectKey key) {
    }

    /** The controller stopped (this replica no longer leads): what it said of objects is no longer current. */
    default void stopped() {
    }
}
