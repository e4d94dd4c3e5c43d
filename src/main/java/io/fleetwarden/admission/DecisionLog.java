package io.fleetwarden.admission;

import java.util.regex.Pattern;

/**
 * One key=value log line per answered review. Only metadata: the object and any secret in it are never
 * logged. Names and namespaces come from the request before the API server validated them (mutating
 * webhooks run first), so values are quoted and escaped to keep one request on one line.
 */
final class DecisionLog {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:/@-]+");
    private static final int MAX_VALUE_CHARS = 256;

    private DecisionLog() {
    }

    static String line(String path, AdmissionInput input, AdmissionDecision decision, String outcome,
            long elapsedNanos) {
        StringBuilder line = new StringBuilder("admission");
        append(line, "path", path);
        append(line, "uid", input.uid());
        append(line, "kind", gvk(input));
        append(line, "namespace", input.namespace());
        append(line, "name", input.name());
        append(line, "operation", input.operation());
        append(line, "subResource", input.subResource() == null ? "" : input.subResource());
        append(line, "dryRun", String.valueOf(input.dryRun()));
        append(line, "allowed", String.valueOf(decision.allowed()));
        append(line, "outcome", outcome);
        append(line, "code", String.valueOf(decision.code()));
        append(line, "reason", decision.reason() == null ? "" : decision.reason());
        append(line, "cache", decision.cache());
        append(line, "latencyMs", millis(elapsedNanos));
        if (decision.registryNanos() >= 0) {
            // The part of latencyMs spent waiting for registries: tells a slow registry from a slow webhook.
            append(line, "registryMs", millis(decision.registryNanos()));
        }
        return line.toString();
    }

    /**
     * Milliseconds with microsecond resolution ({@code 0.412}): bypassed reviews take well under a millisecond
     * and the target for cached ones is 2 ms, so whole milliseconds would hide exactly the band that matters.
     */
    static String millis(long nanos) {
        long micros = Math.max(0, nanos) / 1_000;
        String fraction = String.valueOf(micros % 1_000);
        return micros / 1_000 + "." + "000".substring(fraction.length()) + fraction;
    }

    static String gvk(AdmissionInput input) {
        return (input.group().isEmpty() ? "" : input.group() + "/") + input.version() + "/" + input.kind();
    }

    static void append(StringBuilder line, String key, String value) {
        line.append(' ').append(key).append('=');
        String clipped = value.length() > MAX_VALUE_CHARS ? value.substring(0, MAX_VALUE_CHARS) + "..." : value;
        if (PLAIN.matcher(clipped).matches()) {
            line.append(clipped);
            return;
        }
        line.append('"');
        for (char c : clipped.toCharArray()) {
            if (c == '"' || c == '\\') {
                line.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                line.append(String.format("\\u%04x", (int) c));
            } else {
                line.append(c);
            }
        }
        line.append('"');
    }
}
