package io.fleetwarden.reconcile.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetwarden.status.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ControllerTest {

    private static final ObjectKey A = new ObjectKey("ns", "a");
    private static final ObjectKey B = new ObjectKey("ns", "b");

    @Test
    void differentObjectsRunInParallelButOneObjectNeverTwiceAtOnce() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrentA = new AtomicInteger();
        AtomicInteger maxConcurrentA = new AtomicInteger();
        AtomicInteger runsOfA = new AtomicInteger();
        try (Controller c = new Controller("Test", 4, key -> {
            if (key.equals(A)) {
                maxConcurrentA.accumulateAndGet(concurrentA.incrementAndGet(), Math::max);
                runsOfA.incrementAndGet();
            }
            bothRunning.countDown();
            hold(release);
            if (key.equals(A)) {
                concurrentA.decrementAndGet();
            }
            return new Outcome.Done(null);
        }, Backoff.FLUX, Clock.systemUTC())) {
            c.start();
            c.enqueue(A);
            c.enqueue(B);
            assertThat(bothRunning.await(5, TimeUnit.SECONDS)).as("A and B run at the same time").isTrue();
            c.enqueue(A); // while A runs
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> runsOfA.get() == 2);
            assertThat(maxConcurrentA.get()).isEqualTo(1);
        }
    }

    @Test
    void aRetryBacksOffAndASuccessResetsIt() throws Exception {
        List<Long> runs = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        try (Controller c = new Controller("Test", 1, key -> {
            runs.add(System.nanoTime());
            return attempts.incrementAndGet() < 3 ? new Outcome.Retry("Failed", "boom", null) : new Outcome.Done(null);
        }, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10)), Clock.systemUTC())) {
            c.start();
            c.enqueue(A);
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.size() == 3);
            long first = (runs.get(1) - runs.get(0)) / 1_000_000;
            long second = (runs.get(2) - runs.get(1)) / 1_000_000;
            assertThat(first).isGreaterThanOrEqualTo(95);
            assertThat(second).as("doubled").isGreaterThanOrEqualTo(195);
        }
    }

    @Test
    void aRetryIsNeverLaterThanTheObjectsRetryInterval() {
        Backoff slow = new Backoff(Duration.ofMinutes(10), Duration.ofMinutes(15));
        List<Long> runs = new CopyOnWriteArrayList<>();
        try (Controller c = new Controller("Test", 1, key -> {
            runs.add(System.nanoTime());
            return new Outcome.Retry("Failed", "boom", Duration.ofMillis(50));
        }, slow, Clock.systemUTC())) {
            c.start();
            c.enqueue(A);
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.size() >= 3);
        }
    }

    @Test
    void aStalledObjectIsNotRetriedUntilItIsQueuedAgain() throws Exception {
        ConcurrentHashMap<ObjectKey, AtomicInteger> runs = new ConcurrentHashMap<>();
        try (Controller c = new Controller("Test", 1, key -> {
            runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            return key.equals(A) ? new Outcome.Stalled("AccessDenied", "no") : new Outcome.Done(null);
        }, new Backoff(Duration.ofMillis(1), Duration.ofMillis(1)), Clock.systemUTC())) {
            c.start();
            c.enqueue(A);
            c.enqueue(B);
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.containsKey(B));
            // B ran after A (one worker, FIFO); with a 1 ms backoff a retried A would have run many times by now.
            c.enqueue(B);
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get(B).get() == 2);
            assertThat(runs.get(A).get()).isEqualTo(1);
        }
    }

    @Test
    void aReconcilerThatThrowsDoesNotKillItsWorker() {
        AtomicInteger runs = new AtomicInteger();
        try (Controller c = new Controller("Test", 1, key -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("bug");
            }
            return new Outcome.Done(null);
        }, new Backoff(Duration.ofMillis(10), Duration.ofMillis(10)), Clock.systemUTC())) {
            c.start();
            c.enqueue(A);
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2);
        }
    }

    @Test
    void backoffDoublesFromFirstAndStopsAtMax() {
        assertThat(Backoff.FLUX.after(1)).isEqualTo(Duration.ofMillis(750));
        assertThat(Backoff.FLUX.after(2)).isEqualTo(Duration.ofMillis(1500));
        assertThat(Backoff.FLUX.after(100)).isEqualTo(Duration.ofMinutes(15));
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
