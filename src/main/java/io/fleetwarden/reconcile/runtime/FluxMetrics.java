package io.fleetwarden.reconcile.runtime;

import io.fleetwarden.status.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reconcile metrics Flux's controllers export, under their names, so that the dashboards and alerts a Flux user
 * already has keep working in engine mode: {@code gotk_reconcile_duration_seconds} per object (fluxcd/pkg/runtime's
 * recorder, with its buckets; the series goes when the object does) and controller-runtime's per-controller
 * {@code controller_runtime_reconcile_total} (by result), {@code _errors_total}, {@code _terminal_reconcile_errors_total},
 * {@code controller_runtime_reconcile_time_seconds}, {@code _max_concurrent_reconciles} and {@code _active_workers}.
 * A controller is named as controller-runtime names Flux's: its kind in lower case.
 */
public final class FluxMetrics {

    /** fluxcd/pkg/runtime/metrics: {@code prometheus.ExponentialBucketsRange(10e-3, 1800, 10)}. */
    static final Duration[] OBJECT_BUCKETS = exponentialRange(0.01, 1800, 10);

    /** controller-runtime's {@code ReconcileTime} buckets, in seconds. */
    static final Duration[] CONTROLLER_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35,
            0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15,
            20, 25, 30, 40, 50, 60);

    private final MeterRegistry registry;
    private final Map<String, ControllerMetrics> controllers = new ConcurrentHashMap<>();

    public FluxMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * The observer for one kind's controller, with {@code workers} reconciles at a time: the same one each time the
     * engine starts (a replica that leads again), since the registry keeps the first gauges registered.
     */
    public ReconcileObserver controller(String kind, int workers) {
        return controllers.computeIfAbsent(kind, k -> new ControllerMetrics(k, workers));
    }

    private final class ControllerMetrics implements ReconcileObserver {

        private final String kind;
        private final Map<ObjectKey, Timer> objects = new ConcurrentHashMap<>();
        private final Set<ObjectKey> running = ConcurrentHashMap.newKeySet();
        /** Forgotten while a worker reconciled them: that reconcile must not bring their series back. */
        private final Set<ObjectKey> gone = ConcurrentHashMap.newKeySet();
        private final Map<String, Counter> results = new ConcurrentHashMap<>();
        private final Counter errors;
        private final Counter terminal;
        private final Timer time;
        private final AtomicInteger active = new AtomicInteger();
        private final Tags controller;

        ControllerMetrics(String kind, int workers) {
            this.kind = kind;
            this.controller = Tags.of("controller", kind.toLowerCase(Locale.ROOT));
            // As controller-runtime's initMetrics: every result exists from the start, at 0.
            for (String result : new String[] {"error", "requeue_after", "requeue", "success"}) {
                results.put(result, Counter.builder("controller.runtime.reconcile")
                        .description("Total number of reconciliations per controller")
                        .tags(controller).tag("result", result).register(registry));
            }
            errors = Counter.builder("controller.runtime.reconcile.errors")
                    .description("Total number of reconciliation errors per controller").tags(controller)
                    .register(registry);
            terminal = Counter.builder("controller.runtime.terminal.reconcile.errors")
                    .description("Total number of terminal reconciliation errors per controller").tags(controller)
                    .register(registry);
            time = Timer.builder("controller.runtime.reconcile.time")
                    .description("Length of time per reconciliation per controller").tags(controller)
                    .serviceLevelObjectives(CONTROLLER_BUCKETS).register(registry);
            Gauge.builder("controller.runtime.max.concurrent.reconciles", () -> workers)
                    .description("Maximum number of concurrent reconciles per controller").tags(controller)
                    .register(registry);
            Gauge.builder("controller.runtime.active.workers", active, AtomicInteger::get)
                    .description("Number of currently used workers per controller").tags(controller)
                    .register(registry);
        }

        @Override
        public void started(ObjectKey key) {
            active.incrementAndGet();
            running.add(key);
        }

        @Override
        public void finished(ObjectKey key, Duration took, Outcome outcome) {
            active.decrementAndGet();
            running.remove(key);
            time.record(took);
            if (!gone.remove(key)) {
                objects.computeIfAbsent(key, k -> Timer.builder("gotk.reconcile.duration")
                        .description("The duration in seconds of a GitOps Toolkit resource reconciliation.")
                        .tags("kind", kind, "name", k.name(), "namespace", k.namespace() == null ? "" : k.namespace())
                        .serviceLevelObjectives(OBJECT_BUCKETS).register(registry)).record(took);
            }
            // controller-runtime's result of the equivalent Flux reconcile: Flux requeues a success after its
            // interval (requeue_after), returns an error to retry, and a terminal error when stalled.
            boolean failed = outcome instanceof Outcome.Retry || outcome instanceof Outcome.Stalled;
            boolean success = outcome instanceof Outcome.Done d && d.next() == null;
            results.get(failed ? "error" : success ? "success" : "requeue_after").increment();
            if (failed) {
                errors.increment();
            }
            if (outcome instanceof Outcome.Stalled) {
                terminal.increment();
            }
        }

        /**
         * A replica that stops leading stops reconciling; its objects' series would go stale while the new leader
         * reports them (Flux's controllers exit when they lose the lease, which clears them). The counters stay:
         * they are this process's totals.
         */
        @Override
        public void stopped() {
            objects.keySet().forEach(this::forgotten);
        }

        @Override
        public void forgotten(ObjectKey key) {
            // fluxcd/pkg/runtime deletes an object's duration series once it is deleted, so that a fleet's churn does
            // not grow the scrape for ever.
            if (running.contains(key)) {
                gone.add(key);
            }
            Timer series = objects.remove(key);
            if (series != null) {
                registry.remove(series);
            }
        }
    }

    private static Duration[] exponentialRange(double min, double max, int count) {
        double growth = Math.pow(max / min, 1.0 / (count - 1));
        Duration[] buckets = new Duration[count];
        for (int i = 0; i < count; i++) {
            buckets[i] = Duration.ofNanos(Math.round(min * Math.pow(growth, i) * 1e9));
        }
        return buckets;
    }

    private static Duration[] seconds(double... values) {
        return Arrays.stream(values).mapToObj(v -> Duration.ofNanos(Math.round(v * 1e9))).toArray(Duration[]::new);
    }
}
