package io.fleetwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.testing.MockApiServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two replicas campaign for one Lease on a CRUD mock API server: one leads, the other takes over when it stops. */
class LeaderElectionTest {

    private static final LeaderElection.Timings FAST = new LeaderElection.Timings(Duration.ofSeconds(3),
            Duration.ofMillis(2000), Duration.ofMillis(100));
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(20);

    private MockApiServer mock;
    private KubernetesClient clientA;
    private KubernetesClient clientB;

    @BeforeEach
    void cluster() {
        mock = MockApiServer.start();
        clientA = mock.client();
        clientB = mock.client();
    }

    @AfterEach
    void close() {
        clientA.close();
        clientB.close();
        mock.close();
    }

    @Test
    void exactlyOneLeadsAndTheOtherTakesOverWhenItStops() {
        AtomicInteger dutiesA = new AtomicInteger();
        AtomicInteger dutiesB = new AtomicInteger();
        try (LeaderDuties a = duties(dutiesA); LeaderDuties b = duties(dutiesB);
                LeaderElection first = new LeaderElection(clientA, "flux-system", "fleetwarden-leader", "pod-a", FAST, a);
                LeaderElection second = new LeaderElection(clientB, "flux-system", "fleetwarden-leader", "pod-b", FAST, b)) {
            first.start();
            second.start();

            await("one replica leads", () -> first.isLeader() || second.isLeader());
            // Safety: never two leaders at once. (Zero for a moment is allowed: a leader that misses its renew
            // deadline on a starved machine steps down before anyone else may take over.)
            Instant until = Instant.now().plus(FAST.leaseDuration().multipliedBy(2));
            while (Instant.now().isBefore(until)) {
                assertThat(first.isLeader() && second.isLeader()).as("two leaders at once").isFalse();
                LockSupport.parkNanos(POLL.toNanos());
            }
            await("one replica leads", () -> first.isLeader() || second.isLeader());
            LeaderElection leader = first.isLeader() ? first : second;
            LeaderElection follower = leader == first ? second : first;
            AtomicInteger leaderDuties = leader == first ? dutiesA : dutiesB;
            AtomicInteger followerDuties = leader == first ? dutiesB : dutiesA;
            await("the leader's duties ran", () -> leaderDuties.get() > 0);
            assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(leader.identity());
            int followerRunsBefore = followerDuties.get();

            leader.close();

            // Liveness: the other replica takes over and runs the duties.
            await("the follower takes over", follower::isLeader);
            await("the follower's duties ran", () -> followerDuties.get() > followerRunsBefore);
            assertThat(leader.isLeader()).isFalse();
            assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(follower.identity());
        }
    }

    private Lease lease() {
        return clientA.leases().inNamespace("flux-system").withName("fleetwarden-leader").get();
    }

    private static LeaderDuties duties(AtomicInteger runs) {
        return new LeaderDuties(List.of(new LeaderDuties.Duty("count", Duration.ofHours(1), runs::incrementAndGet)));
    }

    /** Polls until true or fails after the deadline: no fixed sleeps. */
    private static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as(what + " within " + DEADLINE).isBefore(deadline);
            LockSupport.parkNanos(POLL.toNanos());
        }
    }
}
