package io.fleetwarden.verify.cosign;

import io.fleetwarden.verify.Check;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The verifier's view of "now". A log or TSA cannot have seen a signature after the moment we verify it, so a
 * signing time later than now (beyond a small allowance for clock skew between the log and us) means the
 * evidence is forged or our clock is wrong; either way it is not accepted.
 */
final class SigningTimes {

    static final Duration ALLOWED_SKEW = Duration.ofMinutes(5);

    private final Clock clock;

    SigningTimes(Clock clock) {
        this.clock = clock;
    }

    void checkNotInFuture(List<Instant> times, Failures failures) {
        Instant latest = clock.instant().plus(ALLOWED_SKEW);
        for (Instant t : times) {
            if (t.isAfter(latest)) {
                failures.add(Check.INTEGRATED_TIME, "the signing time " + t + " is in the future (now "
                        + clock.instant() + ")");
            }
        }
    }

    static Instant first(List<Instant> times) {
        return times.isEmpty() ? null : times.get(0);
    }
}
