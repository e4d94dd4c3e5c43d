package io.fleetwarden.reconcile;

import io.fleetwarden.render.GoDurationText;
import java.time.Duration;

/**
 * Go {@code time.Duration} strings as Flux's CRDs accept them ({@code ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$}):
 * {@code 10m}, {@code 1h30m}, {@code 500ms}, {@code 1.5h}.
 */
public final class FluxDurations {

    private FluxDurations() {
    }

    /** @throws IllegalArgumentException naming {@code field}, when {@code text} is missing or not a duration */
    public static Duration parse(String text, String field) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException(field + ": is required");
        }
        try {
            return Duration.ofNanos(GoDurationText.nanos(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage());
        }
    }
}
