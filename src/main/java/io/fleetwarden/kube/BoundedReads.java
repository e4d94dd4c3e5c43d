package io.fleetwarden.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * API reads made while an admission review waits. fabric8's defaults (a 10 s request timeout, then up to ten
 * retries with backoff) would outlast the webhook's own timeout, and the API server would then apply the
 * webhook's failure policy instead of our answer; so these reads get the time the review has left and are
 * never retried: a review that cannot read what it needs answers Unavailable itself.
 *
 * <p>fabric8's own request timeout is not a bound on the call (7.4, vertx HTTP client; measured, and the
 * second case is a test in PullSecretAccessTest): its timer covers the exchange only until the response
 * headers, at the request timeout plus up to the same again (at most 5 s more), and the vertx timeout is an
 * idle one. An API server that accepts and never answers took ~1.4 s to fail a 300 ms read on a fresh client;
 * one that sends headers and then trickles the body was never cut off at all. So the read runs on a small pool
 * of its own and the caller waits at most the remaining time; on expiry the reader is interrupted, which ends
 * fabric8's blocking wait at once and frees the thread. fabric8 does not cancel the HTTP exchange on that
 * interrupt: an abandoned exchange lives until the vertx idle timeout fires (the request timeout, still set) or
 * the server closes it.
 */
final class BoundedReads {

    /** Reads in flight at once; one per concurrent review at most, so more means the API server is stuck. */
    static final int MAX_IN_FLIGHT = 32;

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ThreadPoolExecutor READERS = new ThreadPoolExecutor(0, MAX_IN_FLIGHT, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), task -> {
                Thread t = new Thread(task, "fleetwarden-api-read-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    /** The API server gave no answer within the bound; the read was abandoned. */
    static final class NoAnswer extends KubernetesClientException {

        private final long millis;

        NoAnswer(long millis) {
            super("no answer within " + millis + " ms");
            this.millis = millis;
        }

        long millis() {
            return millis;
        }
    }

    private BoundedReads() {
    }

    /**
     * @param remaining the time left in the review; at least 1 ms is used, so an expired deadline fails fast
     * @param read      the read, against a client whose requests carry the bound and no retries
     * @throws NoAnswer                  when the read did not finish within {@code remaining}
     * @throws KubernetesClientException as fabric8 reports other failures, or when {@value #MAX_IN_FLIGHT} reads
     *                                   are already waiting
     */
    static <T> T within(KubernetesClient client, Duration remaining, Function<KubernetesClient, T> read) {
        long millis = Math.max(1, Math.min(remaining.toMillis(), Integer.MAX_VALUE));
        RequestConfig config = new RequestConfigBuilder().withRequestTimeout((int) millis)
                .withRequestRetryBackoffLimit(0).build();
        Future<T> pending;
        try {
            pending = READERS.submit(() -> client.adapt(NamespacedKubernetesClient.class).withRequestConfig(config)
                    .call(read::apply));
        } catch (RejectedExecutionException e) {
            throw new KubernetesClientException(MAX_IN_FLIGHT
                    + " Kubernetes API reads are already waiting for an answer");
        }
        try {
            return pending.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new NoAnswer(millis);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted while waiting for the Kubernetes API", e);
        } catch (ExecutionException e) {
            throw rethrown(e.getCause(), millis);
        }
    }

    /** fabric8's own timeout may win the race with ours; it is the same event and reported the same way. */
    private static RuntimeException rethrown(Throwable cause, long millis) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof TimeoutException) { // fabric8's own, and vertx's NoStackTraceTimeoutException
                return new NoAnswer(millis);
            }
        }
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new KubernetesClientException("the Kubernetes API read failed", cause);
    }
}
