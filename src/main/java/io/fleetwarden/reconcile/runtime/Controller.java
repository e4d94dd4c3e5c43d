package io.fleetwarden.reconcile.runtime;

import io.fleetwarden.status.Outcome;
import io.fleetwarden.status.Reasons;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Runs one kind's reconciles on {@code workers} threads from a {@link WorkQueue}: objects of the kind run in
 * parallel, one object never twice at once. The outcome schedules the next run: {@code Done} after the interval,
 * {@code Waiting} after its delay, {@code Retry} with exponential backoff (capped by the object's retry interval),
 * {@code Stalled} not at all until the object changes (an informer event adds it again).
 */
public final class Controller implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Controller.class);

    private final String kind;
    private final Reconciler reconciler;
    private final Backoff backoff;
    private final WorkQueue<ObjectKey> queue;
    private final Map<ObjectKey, Integer> failures = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong reconciles = new AtomicLong();
    private final int workers;
    private final ReconcileObserver observer;

    public Controller(String kind, int workers, Reconciler reconciler, Backoff backoff, Clock clock) {
        this(kind, workers, reconciler, backoff, clock, ReconcileObserver.NONE);
    }

    /** @param observer told of every reconcile and every forgotten object (the metrics) */
    public Controller(String kind, int workers, Reconciler reconciler, Backoff backoff, Clock clock,
            ReconcileObserver observer) {
        this.observer = observer;
        if (workers < 1) {
            throw new IllegalArgumentException(kind + ": concurrency must be at least 1, got " + workers);
        }
        this.kind = kind;
        this.workers = workers;
        this.reconciler = reconciler;
        this.backoff = backoff;
        this.queue = new WorkQueue<>(clock);
    }

    public synchronized void start() {
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::work, "reconcile-" + kind.toLowerCase() + "-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    public void enqueue(ObjectKey key) {
        queue.add(key);
    }

    public void enqueueAfter(ObjectKey key, Duration delay) {
        queue.addAfter(key, delay);
    }

    /** The object is gone: drop its schedule and failure count. */
    public void forget(ObjectKey key) {
        queue.forget(key);
        failures.remove(key);
        observer.forgotten(key);
    }

    public long reconciles() {
        return reconciles.get();
    }

    public int queued() {
        return queue.size();
    }

    private void work() {
        try {
            while (true) {
                var next = queue.take();
                if (next.isEmpty()) {
                    return;
                }
                ObjectKey key = next.get();
                try {
                    schedule(key, run(key));
                } finally {
                    queue.done(key);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Outcome run(ObjectKey key) {
        reconciles.incrementAndGet();
        observer.started(key);
        long start = System.nanoTime();
        Outcome outcome;
        try {
            outcome = reconciler.reconcile(key);
        } catch (RuntimeException e) {
            // A bug or an unexpected client error (an RBAC rule missing): never let it kill the worker; retry with
            // backoff. The stack trace once at debug level: a retried refusal would otherwise flood the log.
            LOG.errorf("%s %s: reconcile failed unexpectedly, retrying with backoff: %s", kind, key, e.getMessage());
            LOG.debugf(e, "%s %s: reconcile failed unexpectedly", kind, key);
            outcome = new Outcome.Retry(Reasons.RECONCILIATION_FAILED, String.valueOf(e.getMessage()), null);
        }
        observer.finished(key, Duration.ofNanos(System.nanoTime() - start), outcome);
        return outcome;
    }

    private void schedule(ObjectKey key, Outcome outcome) {
        if (outcome instanceof Outcome.Done d) {
            failures.remove(key);
            if (d.next() != null) {
                queue.addAfter(key, d.next());
            }
        } else if (outcome instanceof Outcome.Waiting w) {
            queue.addAfter(key, w.after());
        } else if (outcome instanceof Outcome.Retry r) {
            int n = failures.merge(key, 1, Integer::sum);
            Duration delay = backoff.after(n);
            if (r.retryInterval() != null && r.retryInterval().compareTo(delay) < 0) {
                delay = r.retryInterval();
            }
            LOG.debugf("%s %s: %s, retry %d in %s", kind, key, r.message(), n, delay);
            queue.addAfter(key, delay);
        } else {
            failures.remove(key);
        }
    }

    @Override
    public synchronized void close() {
        queue.shutDown();
        threads.forEach(Thread::interrupt);
        threads.clear();
        observer.stopped();
    }
}
