package io.fleetwarden.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.time.Duration;
import java.util.function.Function;

/**
 * API reads made while an admission review waits. fabric8's defaults (a 10 s request timeout, then up to ten
 * retries with backoff) would outlast the webhook's own timeout, and the API server would then apply the
 * webhook's failure policy instead of our answer; so these reads get the time the review has left, at most
 * {@code cap}, and are never retried: a review that cannot read what it needs answers Unavailable itself.
 */
final class BoundedReads {

    private BoundedReads() {
    }

    /**
     * @param remaining the time left in the review; at least 1 ms is used, so an expired deadline fails fast
     * @param read      the read, against a client whose requests carry the bound
     */
    static <T> T within(KubernetesClient client, Duration remaining, Function<KubernetesClient, T> read) {
        long millis = Math.max(1, Math.min(remaining.toMillis(), Integer.MAX_VALUE));
        RequestConfig config = new RequestConfigBuilder().withRequestTimeout((int) millis)
                .withRequestRetryBackoffLimit(0).build();
        return client.adapt(NamespacedKubernetesClient.class).withRequestConfig(config).call(read::apply);
    }
}
