package io.fleetwarden.reconcile.runtime;

import io.fleetwarden.status.Outcome;

/** One kind's reconcile: reads the object by key (from a cache), does its steps, says what happens next. */
@FunctionalInterface
public interface Reconciler {

    /** @return what happens next; never throws for an expected failure (it becomes a {@link Outcome.Retry}) */
    Outcome reconcile(ObjectKey key);
}
