package io.fleetwarden.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Mean latencies over a window of creates, from Prometheus histograms read twice (the figures are the differences of
 * their sums and counts): the API server's view from its {@code /metrics} (how long it took to answer the creates of
 * each resource, and how long each admission webhook took as it called it), or the service's from its own
 * {@code /q/metrics} ({@link #readService}).
 */
final class WindowLatencies {

    private static final Pattern SAMPLE = Pattern.compile("^(\\w+)\\{(.*)\\} (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final Map<String, double[]> sumAndCount;

    private WindowLatencies(Map<String, double[]> sumAndCount) {
        this.sumAndCount = sumAndCount;
    }

    static WindowLatencies read(KubernetesClient admin) {
        return parse(admin.raw("/metrics"), WindowLatencies::apiServerKey);
    }

    /**
     * The packaged service's view of the same window, from its own {@code /q/metrics}: Vert.x's time from a webhook
     * request's start to its response's end (every webhook path together: the metric's uri label is the route's
     * template), and fleetwarden's handler time per webhook path. What the API server waits beyond the first is
     * outside the service's HTTP server; what the first shows beyond the second is inside it, before or after the
     * handler.
     */
    static WindowLatencies readService(String metricsText) {
        return parse(metricsText, (metric, labels) -> {
            if (metric.startsWith("http_server_requests_seconds_") && "POST".equals(labels.get("method"))) {
                return "service HTTP server, every webhook POST";
            }
            if (metric.startsWith("fleetwarden_admission_duration_seconds_")) {
                return "service handler " + labels.get("path");
            }
            return null;
        });
    }

    private static String apiServerKey(String metric, Map<String, String> labels) {
        if (metric.startsWith("apiserver_request_duration_seconds_") && "POST".equals(labels.get("verb"))
                && labels.get("subresource").isEmpty() && "".equals(labels.getOrDefault("dry_run", ""))) {
            return "create " + labels.get("resource");
        }
        if (metric.startsWith("apiserver_admission_webhook_admission_duration_seconds_")
                && "CREATE".equals(labels.get("operation"))) {
            return "webhook " + labels.get("name") + " (" + labels.get("type") + ")";
        }
        return null;
    }

    private static WindowLatencies parse(String text,
            java.util.function.BiFunction<String, Map<String, String>, String> keyOf) {
        Map<String, double[]> out = new TreeMap<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String metric = m.group(1);
            boolean sum = metric.endsWith("_sum");
            if (!sum && !metric.endsWith("_count")) {
                continue;
            }
            String key = keyOf.apply(metric, labels(m.group(2)));
            if (key != null) {
                out.computeIfAbsent(key, k -> new double[2])[sum ? 0 : 1] += Double.parseDouble(m.group(3));
            }
        }
        return new WindowLatencies(out);
    }

    /** "create ocirepositories: mean 212 ms (n=1000); webhook …: mean 98 ms (n=1000); …" for the window since {@code before}. */
    String since(WindowLatencies before) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, double[]> e : sumAndCount.entrySet()) {
            double[] was = before.sumAndCount.getOrDefault(e.getKey(), new double[2]);
            double count = e.getValue()[1] - was[1];
            if (count < 1) {
                continue;
            }
            double mean = (e.getValue()[0] - was[0]) / count;
            parts.add(String.format("%s: mean %.0f ms (n=%.0f)", e.getKey(), mean * 1000, count));
        }
        return String.join("; ", parts);
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        Matcher m = LABEL.matcher(text);
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }
}
