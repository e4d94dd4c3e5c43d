package io.fleetwarden.gate;

import java.util.function.LongSupplier;

/**
 * How long one decision waited for registries: the wall time during which at least one registry call of it
 * was in flight (calls made in parallel count once). Reported beside the review's latency, so an operator
 * can tell a slow registry from a slow fleetwarden; a warm review is mostly this wait, since the tag is
 * resolved on every review.
 */
public final class RegistryWait {

    private final LongSupplier clock;
    private int inFlight;
    private long since;
    private long totalNanos;

    public RegistryWait() {
        this(System::nanoTime);
    }

    RegistryWait(LongSupplier clock) {
        this.clock = clock;
    }

    synchronized void enter() {
        if (inFlight++ == 0) {
            since = clock.getAsLong();
        }
    }

    synchronized void exit() {
        if (--inFlight == 0) {
            totalNanos += clock.getAsLong() - since;
        }
    }

    /** The time waited so far, including a call still in flight. */
    public synchronized long nanos() {
        return totalNanos + (inFlight > 0 ? clock.getAsLong() - since : 0);
    }
}
