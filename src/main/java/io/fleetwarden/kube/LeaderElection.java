package io.fleetwarden.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Lease-based leader election ({@code coordination.k8s.io/v1} Lease) with fabric8's elector, for work that
 * must happen once in the fleet (certificates, status writes). Every replica keeps serving admission
 * whether it leads or not; only {@link LeaderDuties} follow leadership.
 *
 * <p>fabric8's elector ends once leadership is lost (its future completes); a replica must stay a
 * candidate, so a new elector is started until {@link #close()}. Closing releases the Lease (empty holder),
 * so a rolling update hands over at once instead of after the lease duration.
 */
public final class LeaderElection implements AutoCloseable {

    /** Lease timings; client-go's defaults are 15 s / 10 s / 2 s. */
    public record Timings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    }

    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String leaseName;
    private final String identity;
    private final Timings timings;
    private final LeaderDuties duties;
    private final AtomicBoolean leading = new AtomicBoolean();
    private CompletableFuture<?> running;
    private boolean closed;

    public LeaderElection(KubernetesClient client, String namespace, String leaseName, String identity, Timings timings,
            LeaderDuties duties) {
        this.client = client;
        this.namespace = namespace;
        this.leaseName = leaseName;
        this.identity = identity;
        this.timings = timings;
        this.duties = duties;
    }

    /** Starts campaigning without waiting: an unreachable API server must not hold up the pod. */
    public synchronized void start() {
        if (closed || running != null) {
            return;
        }
        campaign();
    }

    public boolean isLeader() {
        return leading.get();
    }

    public String identity() {
        return identity;
    }

    private synchronized void campaign() {
        if (closed) {
            return;
        }
        var config = new LeaderElectionConfigBuilder().withName(leaseName)
                .withLock(new LeaseLock(namespace, leaseName, identity)).withLeaseDuration(timings.leaseDuration())
                .withRenewDeadline(timings.renewDeadline()).withRetryPeriod(timings.retryPeriod()).withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading,
                        leader -> LOG.infof("leader of %s/%s is %s", namespace, leaseName, leader)))
                .build();
        CompletableFuture<?> election = client.leaderElector().withConfig(config).build().start();
        running = election;
        election.whenComplete((ignored, failure) -> {
            stoppedLeading();
            if (failure != null && !election.isCancelled()) {
                LOG.warnf("leader election for %s/%s ended: %s; campaigning again", namespace, leaseName, failure.getMessage());
            }
            campaign();
        });
    }

    // fabric8 may report the same transition twice (from its observer and from its stop path).
    private void startedLeading() {
        if (leading.compareAndSet(false, true)) {
            LOG.infof("%s leads %s/%s", identity, namespace, leaseName);
            duties.startLeading();
        }
    }

    private void stoppedLeading() {
        if (leading.compareAndSet(true, false)) {
            LOG.infof("%s no longer leads %s/%s", identity, namespace, leaseName);
            duties.stopLeading();
        }
    }

    /** Stops campaigning and releases the Lease if held. */
    @Override
    public void close() {
        CompletableFuture<?> election;
        synchronized (this) {
            closed = true;
            election = running;
        }
        if (election != null) {
            election.cancel(true);
        }
        stoppedLeading();
    }
}
