package io.fleetwarden.bench;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.HttpRegistryClient;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.RegistryClientConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The registry round trip a warm review waits for, measured on its own while the load runs: this process
 * resolves the warm tag with the service's own registry client ({@link HttpRegistryClient#resolve}, one HEAD)
 * at the same pace as one paced wrk connection. A warm review is this round trip plus the service's work, so
 * the two side by side say how much of a warm review is the registry's.
 */
final class RegistryProbe {

    private RegistryProbe() {
    }

    /** Starts resolving {@code ref} every {@code pauseMillis} for {@code seconds}; the future holds the latencies. */
    static CompletableFuture<Stats> start(OciReference ref, int seconds, int pauseMillis) {
        return CompletableFuture.supplyAsync(() -> {
            Stats stats = new Stats(seconds * (1000 / Math.max(1, pauseMillis)) + 1);
            try (HttpRegistryClient client = new HttpRegistryClient(RegistryClientConfig.defaults())) {
                client.resolve(ref, Deadline.after(Duration.ofSeconds(5))); // connection up before measuring
                long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    client.resolve(ref, Deadline.after(Duration.ofSeconds(5)));
                    stats.add(System.nanoTime() - t);
                    Thread.sleep(pauseMillis); // the pace of the load, as wrk's delay() paces a connection
                }
            } catch (Exception e) {
                throw new IllegalStateException("registry probe failed: " + e.getMessage(), e);
            }
            return stats;
        });
    }
}
