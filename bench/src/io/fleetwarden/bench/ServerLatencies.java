package io.fleetwarden.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Server-side latency of every review, from the service's decision log: {@code latencyMs} is measured by
 * {@code AdmissionService} from the moment the request reaches it (body stream available) to the moment the
 * answer's bytes are ready, with microsecond resolution. It leaves out TLS, HTTP parsing and queueing for a
 * worker thread, which wrk's client-side figures include. Each phase sends its own {@code uid}, so every
 * line is counted in exactly one phase.
 */
final class ServerLatencies {

    private static final Pattern LINE = Pattern.compile(
            " uid=(\\S+) .* latencyMs=(\\d+\\.\\d+)(?: registryMs=(\\d+\\.\\d+))?");

    /** Suffixes of the derived phases: a review's wait for registries, and the rest of its latency. */
    static final String REGISTRY = "#registry";
    static final String OWN = "#own";

    /** Sorted latencies in milliseconds of one phase. */
    record Phase(double[] sortedMs) {

        double percentile(double p) {
            if (sortedMs.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(sortedMs.length - 1, Math.ceil(p / 100.0 * sortedMs.length) - 1);
            return sortedMs[Math.max(0, index)];
        }

        double shareAtMost(double ms) {
            long n = Arrays.stream(sortedMs).filter(v -> v <= ms).count();
            return sortedMs.length == 0 ? Double.NaN : (double) n / sortedMs.length;
        }

        String row(String name) {
            return String.format("%-30s server  p50 %7.3f ms  p90 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms  max %8.3f ms"
                    + "  n=%d  <=2ms %.2f%%", name, percentile(50), percentile(90), percentile(99), percentile(99.9),
                    percentile(100), sortedMs.length, 100 * shareAtMost(2.0));
        }
    }

    private ServerLatencies() {
    }

    static Map<String, Phase> read(Path log) throws IOException {
        Map<String, double[]> raw = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.contains("admission path=")) {
                    continue;
                }
                Matcher m = LINE.matcher(line);
                if (m.find()) {
                    double latency = Double.parseDouble(m.group(2));
                    add(raw, counts, m.group(1), latency);
                    if (m.group(3) != null) {
                        double registry = Double.parseDouble(m.group(3));
                        add(raw, counts, m.group(1) + REGISTRY, registry);
                        add(raw, counts, m.group(1) + OWN, latency - registry);
                    }
                }
            }
        }
        Map<String, Phase> phases = new HashMap<>();
        raw.forEach((uid, values) -> {
            double[] used = Arrays.copyOf(values, counts.get(uid));
            Arrays.sort(used);
            phases.put(uid, new Phase(used));
        });
        return phases;
    }

    private static void add(Map<String, double[]> raw, Map<String, Integer> counts, String key, double value) {
        int n = counts.merge(key, 1, Integer::sum);
        double[] values = raw.computeIfAbsent(key, k -> new double[1024]);
        if (n > values.length) {
            values = Arrays.copyOf(values, values.length * 2);
            raw.put(key, values);
        }
        values[n - 1] = value;
    }
}
