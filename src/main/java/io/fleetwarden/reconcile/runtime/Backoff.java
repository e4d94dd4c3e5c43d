package io.fleetwarden.reconcile.runtime;

import java.time.Duration;

/**
 * Delay before retrying a failed reconcile: exponential from {@code first}, capped at {@code max}, as Flux's
 * controllers retry (750 ms to 15 min, fluxcd/pkg {@code runtime/controller/rate_limiter.go}).
 */
public record Backoff(Duration first, Duration max) {

    public static final Backoff FLUX = new Backoff(Duration.ofMillis(750), Duration.ofMinutes(15));

    /** @param failures consecutive failures so far, at least 1 */
    public Duration after(int failures) {
        int shift = Math.min(Math.max(failures, 1) - 1, 30);
        long millis = first.toMillis() << shift;
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }
}
