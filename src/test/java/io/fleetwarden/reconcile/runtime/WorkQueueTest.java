package io.fleetwarden.reconcile.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T00:00:00Z"));
    private final WorkQueue<String> queue = new WorkQueue<>(clock);

    @Test
    void aKeyAddedTwiceIsQueuedOnce() throws Exception {
        queue.add("a");
        queue.add("a");
        queue.add("b");
        assertThat(queue.take()).contains("a");
        assertThat(queue.take()).contains("b");
        assertThat(queue.size()).isEqualTo(2); // both in progress, nothing else queued
    }

    @Test
    void aKeyInProgressIsNotHandedOutAgainButRunsOnceMoreAfterwards() throws Exception {
        queue.add("a");
        assertThat(queue.take()).contains("a");
        queue.add("a");
        queue.add("a");
        queue.add("b");
        assertThat(queue.take()).contains("b"); // not "a": it is still being processed
        queue.done("a");
        assertThat(queue.take()).contains("a"); // the change made meanwhile is not lost
    }

    @Test
    void aDelayedKeyComesDueWhenItsTimeHasCome() throws Exception {
        queue.addAfter("a", Duration.ofSeconds(30));
        queue.add("b");
        assertThat(queue.take()).contains("b");
        clock.advance(Duration.ofSeconds(31));
        assertThat(queue.take()).contains("a");
    }

    @Test
    void theEarlierOfTwoDelaysWins() throws Exception {
        queue.addAfter("a", Duration.ofSeconds(60));
        queue.addAfter("a", Duration.ofSeconds(5));
        queue.addAfter("a", Duration.ofSeconds(90));
        clock.advance(Duration.ofSeconds(6));
        assertThat(queue.take()).contains("a");
        queue.done("a");
        clock.advance(Duration.ofSeconds(100));
        queue.add("z");
        assertThat(queue.take()).contains("z"); // the superseded 60 s and 90 s entries do not run "a" again
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void anImmediateAddOverridesADelay() throws Exception {
        queue.addAfter("a", Duration.ofHours(1));
        queue.add("a");
        assertThat(queue.take()).contains("a");
        queue.done("a");
        assertThat(queue.size()).isZero();
    }

    @Test
    void takeWaitsForRealTimeDelaysWithoutPolling() throws Exception {
        WorkQueue<String> real = new WorkQueue<>(Clock.systemUTC());
        real.addAfter("a", Duration.ofMillis(50));
        Instant before = Instant.now();
        assertThat(real.take()).contains("a");
        assertThat(Duration.between(before, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(45));
    }

    @Test
    void shutDownReleasesAWaitingWorker() throws Exception {
        CompletableFuture<Optional<String>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        queue.shutDown();
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void aForgottenKeyIsNotRun() throws Exception {
        queue.add("gone");
        queue.addAfter("later", Duration.ofSeconds(1));
        queue.forget("gone");
        queue.forget("later");
        clock.advance(Duration.ofSeconds(2));
        queue.add("x");
        assertThat(queue.take()).contains("x");
        assertThat(queue.size()).isEqualTo(1);
    }
}
