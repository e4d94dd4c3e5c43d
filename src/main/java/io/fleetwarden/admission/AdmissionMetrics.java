package io.fleetwarden.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * {@code fleetwarden_admission_duration_seconds} (a histogram) and {@code fleetwarden_admission_requests_total},
 * both tagged with path, outcome ({@code allowed}, {@code denied}, {@code error}) and reason. Only served
 * paths are recorded, and a reason that is not a short identifier is recorded as {@code Other}, so a caller
 * cannot grow the number of series.
 */
@ApplicationScoped
public class AdmissionMetrics {

    private static final Pattern REASON = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,39}");
    // Fixed buckets instead of Micrometer's ~70 percentile buckets: enough to see the webhook timeout coming.
    // 1 ms and 2 ms: a warm (cached) review should answer within 2 ms at p99 (docs/benchmarks.md), so the
    // share of reviews above it can be read, and alerted on, from the histogram.
    private static final Duration[] BUCKETS = { Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30) };

    private final MeterRegistry registry;

    public AdmissionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(String path, String outcome, String reason, long elapsedNanos) {
        record(path, outcome, reason, "none", elapsedNanos);
    }

    /** @param cache {@code hit}, {@code miss} or {@code none}: whether signature verdicts came from the cache */
    public void record(String path, String outcome, String reason, String cache, long elapsedNanos) {
        Tags tags = Tags.of("path", path, "outcome", outcome, "reason", boundedReason(reason), "cache", cache);
        Timer.builder("fleetwarden.admission.duration").description("Time to answer an AdmissionReview")
                .serviceLevelObjectives(BUCKETS).tags(tags).register(registry).record(Duration.ofNanos(elapsedNanos));
        Counter.builder("fleetwarden.admission.requests").description("AdmissionReviews answered").tags(tags)
                .register(registry).increment();
    }

    /**
     * {@code fleetwarden_admission_registry_wait_seconds}: the part of a review spent waiting for registries
     * (tag resolution on every review; discovery and signatures on a cache miss), so that a slow registry can
     * be told from a slow webhook.
     */
    public void recordRegistryWait(String path, String cache, long nanos) {
        Timer.builder("fleetwarden.admission.registry.wait").description("Time a review waited for registries")
                .serviceLevelObjectives(BUCKETS).tags(Tags.of("path", path, "cache", cache)).register(registry)
                .record(Duration.ofNanos(nanos));
    }

    static String boundedReason(String reason) {
        return reason != null && REASON.matcher(reason).matches() ? reason : "Other";
    }
}
