package io.fleetwarden.kube;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetwarden.gate.KubernetesApiUnavailable;
import io.fleetwarden.tenancy.ClusterUnavailable;
import io.fleetwarden.tenancy.NamespaceLabels;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Namespace labels from an informer cache, with a live read on a miss: flux-operator creates a tenant's
 * Namespace and its objects seconds apart, faster than a watch event may arrive. Unknown stays unknown
 * (the tenancy rules then deny rather than guess).
 *
 * <p>The live read happens while a review waits, so it is bounded ({@link #LIVE_READ_TIMEOUT}, no retries):
 * well inside the review's budget, which the registry calls after it share.
 */
public final class NamespaceLabelCache implements NamespaceLabels, AutoCloseable {

    static final Duration LIVE_READ_TIMEOUT = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private SharedIndexInformer<Namespace> informer;

    public NamespaceLabelCache(KubernetesClient client) {
        this.client = client;
    }

    public void start() {
        informer = InformerRetries.retrying(client.namespaces().runnableInformer(0), "namespaces");
        informer.start();
    }

    public boolean synced() {
        return informer != null && informer.hasSynced();
    }

    /**
     * As {@link #labelsOf}, for the signature gate, whose vocabulary for the same outage is
     * {@link KubernetesApiUnavailable} (the gate does not know the tenancy package's exception): an outage is
     * never mistaken for a namespace no selector matches (that would deny with 403 NotCovered, or admit when
     * uncovered sources are allowed).
     */
    public Optional<Map<String, String>> labelsOrFail(String namespace) {
        try {
            return labelsOf(namespace);
        } catch (ClusterUnavailable e) {
            throw new KubernetesApiUnavailable(e.getMessage());
        }
    }

    @Override
    public Optional<Map<String, String>> labelsOf(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            return Optional.empty();
        }
        Namespace ns = informer == null ? null : informer.getStore().getByKey(namespace);
        if (ns == null) {
            try {
                ns = BoundedReads.within(client, LIVE_READ_TIMEOUT, (KubernetesClient c) -> c.namespaces()
                        .withName(namespace).get());
            } catch (KubernetesClientException e) {
                // One wording for every API read a decision needs (pull secrets, service accounts, labels); the
                // response body is not quoted (it can be long and says nothing the status code does not).
                throw new ClusterUnavailable("cannot read the labels of namespace " + namespace
                        + " from the Kubernetes API: " + (e instanceof BoundedReads.NoAnswer || e.getCode() <= 0
                        ? e.getMessage() : "HTTP " + e.getCode()) + " (the Kubernetes API server did not answer usefully)", e);
            }
        }
        if (ns == null) {
            return Optional.empty();
        }
        Map<String, String> labels = ns.getMetadata().getLabels();
        return Optional.of(labels == null ? Map.of() : Map.copyOf(labels));
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
