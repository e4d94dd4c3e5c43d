package io.fleetwarden.oci;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Registry reads that do not depend on each other, started at once. Every read is a round trip to the
 * registry (tens of milliseconds to a public one), so a cold review that waits for them one by one pays
 * each in turn; reads started here overlap with the caller's own. The caller's deadline still bounds the
 * wait, and a read nobody waits for any more is cancelled.
 */
public final class ParallelReads {

    @FunctionalInterface
    public interface Read<T> {
        T run() throws RegistryException;
    }

    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Daemon threads, created on demand and ended when idle: reads are short and bounded by the deadline. */
    private static final ExecutorService POOL = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "fleetwarden-parallel-read-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private ParallelReads() {
    }

    public static <T> Future<T> start(Read<T> read) {
        return POOL.submit(read::run);
    }

    /** The read's result, as if it had been made here: its RegistryException is thrown as is. */
    public static <T> T await(Future<T> read, Deadline deadline, String what) throws RegistryException {
        try {
            return read.get(deadline.leftFor(what).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            read.cancel(true);
            throw new RegistryException(RegistryException.Kind.TIMEOUT, "deadline exceeded during " + what);
        } catch (InterruptedException e) {
            read.cancel(true);
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.TIMEOUT, "interrupted during " + what);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RegistryException r) {
                throw r;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(what + " failed", e.getCause());
        } catch (RegistryException e) {
            read.cancel(true); // no time left to wait for it
            throw e;
        }
    }
}
