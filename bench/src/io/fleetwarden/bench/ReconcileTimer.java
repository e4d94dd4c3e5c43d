package io.fleetwarden.bench;

import io.fleetwarden.reconcile.runtime.ObjectKey;
import io.fleetwarden.reconcile.runtime.Reconciler;
import io.fleetwarden.status.Outcome;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Wraps the engine's Kustomization reconciler and records every reconcile: wall time, CPU time of the worker
 * thread (the reconcile's own work: build, comparison, JSON; the HTTP client's event loop threads are not in it,
 * which is why the process CPU is reported beside it), the API requests it sent to its own namespace, and what
 * it decided. Measured inside the engine, so no poll interval or watch delay is in the figures.
 */
final class ReconcileTimer {

    /** {@code startNanos}: {@link System#nanoTime()} when the reconcile began. */
    record Sample(ObjectKey key, String outcome, long startNanos, long wallNanos, long cpuNanos, long requests) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final ApiRequestCounter counter;
    private final LinkedBlockingQueue<Sample> samples = new LinkedBlockingQueue<>();

    ReconcileTimer(ApiRequestCounter counter) {
        this.counter = counter;
    }

    Reconciler wrap(Reconciler inner) {
        return key -> {
            long requests = counter.total(key.namespace());
            long cpu = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            Outcome outcome = inner.reconcile(key);
            long wall = System.nanoTime() - start;
            samples.add(new Sample(key, describe(outcome), start, wall,
                    THREADS.getCurrentThreadCpuTime() - cpu, counter.total(key.namespace()) - requests));
            return outcome;
        };
    }

    /** The outcome's kind, with the reason when it is not done: what the reconciles were spent on. */
    private static String describe(Outcome o) {
        if (o instanceof Outcome.Retry r) {
            return "Retry " + r.reason();
        } else if (o instanceof Outcome.Waiting w) {
            return "Waiting " + w.reason();
        } else if (o instanceof Outcome.Stalled s) {
            return "Stalled " + s.reason();
        }
        return o.getClass().getSimpleName();
    }

    /** The next reconcile recorded, waiting up to {@code seconds}; null if none came. */
    Sample next(long seconds) throws InterruptedException {
        return samples.poll(seconds, TimeUnit.SECONDS);
    }

    /** Everything recorded so far, removed. */
    List<Sample> drain() {
        List<Sample> out = new ArrayList<>();
        samples.drainTo(out);
        return out;
    }
}
