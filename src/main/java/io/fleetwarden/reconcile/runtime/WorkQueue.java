package io.fleetwarden.reconcile.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keys waiting to be reconciled, with the guarantees a controller needs (as client-go's workqueue gives them):
 * a key is queued at most once however often it is added; a key being processed is never handed to a second
 * worker, and an add during processing makes it run once more afterwards (so no change is lost); a delayed add
 * keeps the earliest time asked for. Memory is one entry per distinct key.
 */
public final class WorkQueue<K> {

    private record Scheduled<K>(K key, Instant due) {
    }

    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final LinkedHashSet<K> ready = new LinkedHashSet<>();
    private final Set<K> processing = new HashSet<>();
    private final Set<K> dirty = new HashSet<>();
    private final Map<K, Instant> due = new HashMap<>();
    private final PriorityQueue<Scheduled<K>> delayed = new PriorityQueue<>((a, b) -> a.due.compareTo(b.due));
    private boolean shutDown;

    public WorkQueue(Clock clock) {
        this.clock = clock;
    }

    /** Queues {@code key} now. */
    public void add(K key) {
        lock.lock();
        try {
            if (shutDown) {
                return;
            }
            due.remove(key);
            if (processing.contains(key)) {
                dirty.add(key);
            } else if (ready.add(key)) {
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Queues {@code key} after {@code delay}, unless it is queued already or due earlier. */
    public void addAfter(K key, Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        lock.lock();
        try {
            if (shutDown || ready.contains(key) || dirty.contains(key)) {
                return;
            }
            Instant when = clock.instant().plus(delay);
            Instant earlier = due.get(key);
            if (earlier != null && !earlier.isAfter(when)) {
                return;
            }
            due.put(key, when);
            delayed.add(new Scheduled<>(key, when));
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** The next key to process, waiting for one; empty once the queue is shut down. */
    public Optional<K> take() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (shutDown) {
                    return Optional.empty();
                }
                promoteDue();
                if (!ready.isEmpty()) {
                    K key = ready.iterator().next();
                    ready.remove(key);
                    processing.add(key);
                    return Optional.of(key);
                }
                Scheduled<K> next = delayed.peek();
                if (next == null) {
                    changed.await();
                } else {
                    long wait = Duration.between(clock.instant(), next.due).toMillis();
                    if (wait > 0) {
                        changed.await(wait, TimeUnit.MILLISECONDS);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Marks {@code key} processed; if it was added meanwhile, it is queued again. */
    public void done(K key) {
        lock.lock();
        try {
            processing.remove(key);
            if (dirty.remove(key) && !shutDown) {
                ready.add(key);
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a key entirely (its object was deleted); a reconcile in progress finishes. */
    public void forget(K key) {
        lock.lock();
        try {
            ready.remove(key);
            dirty.remove(key);
            due.remove(key);
        } finally {
            lock.unlock();
        }
    }

    public void shutDown() {
        lock.lock();
        try {
            shutDown = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Keys queued now or later, and in progress: for metrics and tests. */
    public int size() {
        lock.lock();
        try {
            return ready.size() + due.size() + processing.size();
        } finally {
            lock.unlock();
        }
    }

    private void promoteDue() {
        Instant now = clock.instant();
        while (!delayed.isEmpty() && !delayed.peek().due.isAfter(now)) {
            Scheduled<K> s = delayed.poll();
            // A stale entry: the key was re-scheduled (earlier) or queued since.
            if (!s.due.equals(due.get(s.key))) {
                continue;
            }
            due.remove(s.key);
            if (processing.contains(s.key)) {
                dirty.add(s.key);
            } else {
                ready.add(s.key);
            }
        }
    }
}
