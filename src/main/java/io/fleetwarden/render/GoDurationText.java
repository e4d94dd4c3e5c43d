package io.fleetwarden.render;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration as Flux's CRDs accept it ({@code ^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$}) printed back as Go's
 * {@code time.Duration.String()} prints it ({@code 1m} → {@code 1m0s}, {@code 90s} → {@code 1m30s}, {@code 500ms}
 * → {@code 500ms}, {@code 1.5s} → {@code 1.5s}): Flux Operator writes durations into generated objects that way.
 */
public final class GoDurationText {

    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");
    private static final long SECOND = 1_000_000_000L;

    private GoDurationText() {
    }

    /** @throws IllegalArgumentException when {@code text} is not a duration the CRDs accept */
    public static long nanos(String text) {
        Matcher m = PART.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (at < text.length() && m.find(at) && m.start() == at) {
            long unit = switch (m.group(2)) {
                case "ms" -> 1_000_000L;
                case "s" -> SECOND;
                case "m" -> 60 * SECOND;
                default -> 3600 * SECOND;
            };
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
            at = m.end();
        }
        if (at == 0 || at != text.length()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration like 30s, 10m or 1h");
        }
        return nanos.longValue();
    }

    /** Go's {@code time.Duration.String()} of a non-negative duration. */
    public static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        if (nanos < SECOND) {
            if (nanos < 1_000) {
                return nanos + "ns";
            }
            return nanos < 1_000_000 ? fraction(nanos, 1_000) + "µs" : fraction(nanos, 1_000_000) + "ms";
        }
        long hours = nanos / (3600 * SECOND);
        long minutes = nanos / (60 * SECOND) % 60;
        String seconds = fraction(nanos % (60 * SECOND), SECOND) + "s";
        if (hours > 0) {
            return hours + "h" + minutes + "m" + seconds;
        }
        return minutes > 0 ? minutes + "m" + seconds : seconds;
    }

    private static String fraction(long value, long unit) {
        return BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString();
    }
}
