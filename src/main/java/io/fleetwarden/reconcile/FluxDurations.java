package io.fleetwarden.reconcile;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go {@code time.Duration} strings as Flux's CRDs accept them ({@code ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$}):
 * {@code 10m}, {@code 1h30m}, {@code 500ms}, {@code 1.5h}.
 */
public final class FluxDurations {

    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

    private FluxDurations() {
    }

    /** @throws IllegalArgumentException naming {@code field}, when {@code text} is missing or not a duration */
    public static Duration parse(String text, String field) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException(field + ": is required");
        }
        Matcher m = PART.matcher(text);
        long nanos = 0;
        int at = 0;
        while (m.find() && m.start() == at) {
            double n = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += (long) (n * unit);
            at = m.end();
        }
        if (at != text.length()) {
            throw new IllegalArgumentException(field + ": \"" + text + "\" is not a duration like 30s, 10m or 1h");
        }
        return Duration.ofNanos(nanos);
    }
}
