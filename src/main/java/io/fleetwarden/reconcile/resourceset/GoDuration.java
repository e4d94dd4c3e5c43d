package io.fleetwarden.reconcile.resourceset;

import java.time.Duration;

/**
 * A duration as Go's {@code time.Duration.String()} prints it after Flux Operator's rounding (to the millisecond
 * under a second, else to the second): {@code 412ms}, {@code 3s}, {@code 1m5s}, {@code 2h0m0s}. Ready messages
 * ("Reconciliation finished in 3s") read as Flux Operator's.
 */
final class GoDuration {

    private GoDuration() {
    }

    static String format(Duration d) {
        long millis = Math.max(0, d.toNanos() + 500_000) / 1_000_000;
        if (millis < 1000) {
            return millis == 0 ? "0s" : millis + "ms";
        }
        long seconds = (millis + 500) / 1000;
        long h = seconds / 3600;
        long m = (seconds % 3600) / 60;
        long s = seconds % 60;
        if (h > 0) {
            return h + "h" + m + "m" + s + "s";
        }
        return m > 0 ? m + "m" + s + "s" : s + "s";
    }
}
