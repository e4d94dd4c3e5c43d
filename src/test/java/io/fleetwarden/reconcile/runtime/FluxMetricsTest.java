package io.fleetwarden.reconcile.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.status.Outcome;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus series engine mode exports are the ones Flux's controllers export (names, labels, buckets), so a
 * Flux user's dashboards and alerts read them unchanged; read here from the Prometheus text a scrape returns.
 */
class FluxMetricsTest {

    private static final ObjectKey APP = new ObjectKey("apps", "app");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ReconcileObserver kustomizations = new FluxMetrics(registry).controller("Kustomization", 8);

    @Test
    void anObjectsReconcileDurationIsFluxsHistogramWithItsBuckets() {
        kustomizations.started(APP);
        kustomizations.finished(APP, Duration.ofMillis(250), new Outcome.Done(Duration.ofMinutes(10)));
        String scrape = registry.scrape();
        String series = "gotk_reconcile_duration_seconds_bucket{kind=\"Kustomization\",name=\"app\",namespace=\"apps\",";
        // fluxcd/pkg/runtime: prometheus.ExponentialBucketsRange(10e-3, 1800, 10); 0.25 s lies in (0.147, 0.565].
        assertThat(scrape).contains(series + "le=\"0.01\",} 0.0")
                .contains(series + "le=\"0.147176454\",} 0.0")
                .contains(series + "le=\"0.564621617\",} 1.0")
                .contains(series + "le=\"1800.0\",} 1.0")
                .contains("gotk_reconcile_duration_seconds_count{kind=\"Kustomization\",name=\"app\",namespace=\"apps\",} 1.0");
        assertThat(scrape.lines().filter(l -> l.startsWith(series)).count()).as("10 buckets and +Inf").isEqualTo(11);
    }

    @Test
    void theBucketsAreThoseOfPrometheusExponentialBucketsRange() {
        // client_golang's ExponentialBucketsRange(10e-3, 1800, 10) as Go computes it, printed with %.9f.
        assertThat(Arrays.stream(FluxMetrics.OBJECT_BUCKETS).map(d -> String.format(java.util.Locale.ROOT, "%.9f",
                d.toNanos() / 1e9)).toList()).containsExactly("0.010000000", "0.038363583", "0.147176454",
                "0.564621617", "2.166090856", "8.309900738", "31.879757075", "122.302172216", "469.194959467",
                "1800.000000000");
    }

    @Test
    void resultsAreCountedAsControllerRuntimeCountsFluxsReconciles() {
        ObjectKey other = new ObjectKey("apps", "other");
        kustomizations.finished(APP, Duration.ofMillis(5), new Outcome.Done(Duration.ofMinutes(10)));
        kustomizations.finished(APP, Duration.ofMillis(5), new Outcome.Waiting("Progressing", "health", Duration.ofSeconds(5)));
        kustomizations.finished(APP, Duration.ofMillis(5), new Outcome.Retry("BuildFailed", "boom", null));
        kustomizations.finished(other, Duration.ofMillis(5), new Outcome.Stalled("AccessDenied", "no"));
        kustomizations.finished(other, Duration.ofMillis(5), new Outcome.Done(null));
        String scrape = registry.scrape();
        String total = "controller_runtime_reconcile_total{controller=\"kustomization\",result=";
        assertThat(scrape).contains(total + "\"requeue_after\",} 2.0")
                .contains(total + "\"error\",} 2.0")
                .contains(total + "\"success\",} 1.0")
                .contains(total + "\"requeue\",} 0.0")
                .contains("controller_runtime_reconcile_errors_total{controller=\"kustomization\",} 2.0")
                .contains("controller_runtime_terminal_reconcile_errors_total{controller=\"kustomization\",} 1.0")
                .contains("controller_runtime_reconcile_time_seconds_count{controller=\"kustomization\",} 5.0")
                .contains("controller_runtime_reconcile_time_seconds_bucket{controller=\"kustomization\",le=\"0.005\",} 5.0")
                .contains("controller_runtime_max_concurrent_reconciles{controller=\"kustomization\",} 8.0");
    }

    @Test
    void aForgottenObjectsSeriesGoesAndAReconcileInFlightDoesNotBringItBack() {
        ObjectKey other = new ObjectKey("apps", "other");
        kustomizations.finished(APP, Duration.ofMillis(5), new Outcome.Done(null));
        kustomizations.finished(other, Duration.ofMillis(5), new Outcome.Done(null));
        kustomizations.forgotten(APP);
        assertThat(registry.scrape()).doesNotContain("name=\"app\"").contains("name=\"other\"");

        kustomizations.started(other);
        kustomizations.forgotten(other); // deleted while a worker reconciles it
        kustomizations.finished(other, Duration.ofMillis(5), new Outcome.Done(null));
        assertThat(registry.scrape()).doesNotContain("name=\"other\"");

        kustomizations.started(APP); // created again under the same name
        kustomizations.finished(APP, Duration.ofMillis(5), new Outcome.Done(null));
        assertThat(registry.scrape()).contains("gotk_reconcile_duration_seconds_count{kind=\"Kustomization\",name=\"app\"");
    }

    @Test
    void theControllerReportsEachRunItsOutcomeAndItsActiveWorkers() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ReconcileObserver sources = new FluxMetrics(registry).controller("OCIRepository", 2);
        try (Controller c = new Controller("OCIRepository", 2, key -> {
            running.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("unexpected");
        }, Backoff.FLUX, Clock.systemUTC(), sources)) {
            c.start();
            c.enqueue(APP);
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(registry.scrape()).contains("controller_runtime_active_workers{controller=\"ocirepository\",} 1.0");
            release.countDown();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> registry.scrape().contains(
                    "controller_runtime_reconcile_total{controller=\"ocirepository\",result=\"error\",} 1.0"));
            assertThat(registry.scrape()).contains("controller_runtime_active_workers{controller=\"ocirepository\",} 0.0")
                    .contains("gotk_reconcile_duration_seconds_count{kind=\"OCIRepository\",name=\"app\",namespace=\"apps\",} 1.0");
            c.forget(APP);
            assertThat(registry.scrape()).doesNotContain("kind=\"OCIRepository\",name=\"app\"");
        }
    }

    @Test
    void aControllerThatStopsLeadingDropsItsObjectsSeriesButKeepsItsTotals() {
        try (Controller c = new Controller("Kustomization", 1, key -> new Outcome.Done(null), Backoff.FLUX,
                Clock.systemUTC(), kustomizations)) {
            c.start();
            c.enqueue(APP);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> registry.scrape().contains(
                    "gotk_reconcile_duration_seconds_count{kind=\"Kustomization\",name=\"app\""));
        }
        assertThat(registry.scrape()).doesNotContain("gotk_reconcile_duration_seconds_count")
                .contains("controller_runtime_reconcile_total{controller=\"kustomization\",result=\"success\",} 1.0");
    }
}
