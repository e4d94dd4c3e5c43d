package io.fleetwarden.kube;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Work only the leader does, each duty run at once on gaining leadership and then every period, on one
 * background thread (never on the elector's thread, which must keep renewing the Lease, and never on a
 * request thread). Losing leadership cancels the schedule; a duty that is running finishes (its writes are
 * conditional, so a former leader's late write fails with 409 rather than undoing the new leader's).
 */
public final class LeaderDuties implements AutoCloseable {

    /** A named, periodic leader-only task. */
    public record Duty(String name, Duration period, Runnable task) {
    }

    private static final Logger LOG = Logger.getLogger(LeaderDuties.class);

    private final List<Duty> duties;
    private final ScheduledExecutorService executor;
    private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();
    private final List<Leadership> leaderships = new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean leading;

    /** Long-running leader-only work (the reconciler): started on gaining leadership, stopped on losing it. */
    public interface Leadership {
        void startLeading();

        void stopLeading();
    }

    /** Adds long-running leader work; started at once if this replica leads already. */
    public synchronized void add(Leadership leadership) {
        leaderships.add(leadership);
        if (leading) {
            executor.execute(leadership::startLeading);
        }
    }

    public LeaderDuties(List<Duty> duties) {
        this.duties = List.copyOf(duties);
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "fleetwarden-leader-duties");
            thread.setDaemon(true);
            return thread;
        });
    }

    synchronized void startLeading() {
        stopLeading();
        leading = true;
        // Off the elector's thread: starting informers must not delay the Lease renewal.
        leaderships.forEach(l -> executor.execute(l::startLeading));
        for (Duty duty : duties) {
            long period = Math.max(1, duty.period().toMillis());
            scheduled.add(executor.scheduleWithFixedDelay(() -> run(duty), 0, period, TimeUnit.MILLISECONDS));
        }
    }

    synchronized void stopLeading() {
        if (leading) {
            // At once, on this thread: a former leader must stop writing before another replica starts.
            leaderships.forEach(Leadership::stopLeading);
        }
        leading = false;
        scheduled.forEach(future -> future.cancel(false));
        scheduled.clear();
    }

    /** Runs a duty now (if leading), e.g. when something it keeps was changed by someone else. */
    public synchronized void runNow(String name) {
        if (scheduled.isEmpty()) {
            return;
        }
        duties.stream().filter(d -> d.name().equals(name)).forEach(d -> executor.execute(() -> run(d)));
    }

    private static void run(Duty duty) {
        try {
            duty.task().run();
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again: log, keep the schedule, retry next period.
            LOG.errorf(e, "leader duty %s failed; retrying in %s", duty.name(), duty.period());
        }
    }

    @Override
    public synchronized void close() {
        stopLeading();
        executor.shutdownNow();
    }
}
