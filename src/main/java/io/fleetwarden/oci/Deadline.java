package io.fleetwarden.oci;

import java.time.Duration;

/**
 * One deadline for a whole unit of work (a verification, an admission review). Every registry call takes
 * its timeout from what is left, so the sum of calls can never outlive the caller's own timeout: a
 * webhook whose internal deadline is shorter than the API server's timeout fails closed with a reason
 * instead of being cut off (the fail-open bug of ratify#116).
 */
public final class Deadline {

    private final long endNanos;

    private Deadline(long endNanos) {
        this.endNanos = endNanos;
    }

    public static Deadline after(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos());
    }

    /** Time left; zero or negative once expired. */
    public Duration left() {
        return Duration.ofNanos(endNanos - System.nanoTime());
    }

    public boolean expired() {
        return endNanos - System.nanoTime() <= 0;
    }

    /**
     * Time left for the next call.
     *
     * @throws RegistryException of kind {@link RegistryException.Kind#TIMEOUT} when nothing is left
     */
    public Duration leftFor(String what) throws RegistryException {
        Duration left = left();
        if (left.isNegative() || left.isZero()) {
            throw new RegistryException(RegistryException.Kind.TIMEOUT, "deadline exceeded before " + what);
        }
        return left;
    }
}
