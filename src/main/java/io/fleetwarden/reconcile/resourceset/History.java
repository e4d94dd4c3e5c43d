package io.fleetwarden.reconcile.resourceset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code status.history} as Flux Operator keeps it: the last five distinct outcomes, newest first, one per digest
 * and status ({@code ReconciliationSucceeded}, {@code ReconciliationFailed}, {@code BuildFailed}); a repeat of the
 * latest updates its {@code lastReconciled}, duration, count and metadata and moves it to the front.
 */
final class History {

    static final int MAX = 5;

    /** One outcome to record. {@code metadata} null: none (a build failure). */
    record Entry(String digest, Instant at, Duration took, String status, Map<String, String> metadata) {
    }

    private History() {
    }

    static ArrayNode upsert(JsonNode previous, Entry e) {
        List<ObjectNode> snapshots = new ArrayList<>();
        if (previous != null && previous.isArray()) {
            previous.forEach(n -> {
                if (n.isObject()) {
                    snapshots.add(((ObjectNode) n).deepCopy());
                }
            });
        }
        String now = e.at().truncatedTo(ChronoUnit.SECONDS).toString();
        ObjectNode found = null;
        for (ObjectNode s : snapshots) {
            if (e.digest().equals(s.path("digest").asText()) && e.status().equals(s.path("lastReconciledStatus").asText())) {
                found = s;
                break;
            }
        }
        if (found == null) {
            found = JsonNodeFactory.instance.objectNode();
            found.put("digest", e.digest());
            found.put("firstReconciled", now);
            found.put("totalReconciliations", 0);
        } else {
            snapshots.remove(found);
        }
        found.put("lastReconciled", now);
        found.put("lastReconciledDuration", goString(e.took()));
        found.put("lastReconciledStatus", e.status());
        found.put("totalReconciliations", found.path("totalReconciliations").asLong(0) + 1);
        found.remove("metadata");
        if (e.metadata() != null && !e.metadata().isEmpty()) {
            ObjectNode m = found.putObject("metadata");
            e.metadata().forEach(m::put);
        }
        snapshots.add(0, found);
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        snapshots.stream().limit(MAX).forEach(out::add);
        return out;
    }

    /** Go's {@code time.Duration.String()} at millisecond precision: {@code 412ms}, {@code 1.5s}, {@code 1m2.005s}. */
    static String goString(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms == 0) {
            return "0s";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        long h = ms / 3_600_000;
        long m = (ms / 60_000) % 60;
        long s = (ms / 1000) % 60;
        long frac = ms % 1000;
        String seconds = s + (frac == 0 ? "" : "." + String.format("%03d", frac).replaceAll("0+$", "")) + "s";
        if (h > 0) {
            return h + "h" + m + "m" + seconds;
        }
        return m > 0 ? m + "m" + seconds : seconds;
    }
}
