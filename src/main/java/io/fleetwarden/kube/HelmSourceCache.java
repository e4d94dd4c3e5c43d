package io.fleetwarden.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetwarden.gate.HelmRepositories;
import io.fleetwarden.gate.KubernetesApiUnavailable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Flux {@code HelmRepository} and {@code HelmChart} objects (source.toolkit.fluxcd.io v1) for the Helm chart gate.
 * Repositories come from an informer in every replica, with a live read on a miss (a repository applied in the
 * same batch as its release may be ahead of the watch). The charts naming a repository are listed live, in its
 * namespace: that happens only when a repository is created or its spec changes, rarely, and must not miss a
 * chart admitted a moment before. Unknown is never read as absent: a read without a usable answer is
 * {@link KubernetesApiUnavailable}. A cluster without Flux's CRDs serves neither kind: the informer keeps
 * retrying (and says so in the log) and the live reads find nothing.
 */
public final class HelmSourceCache implements HelmRepositories, AutoCloseable {

    static final Duration LIVE_READ_TIMEOUT = NamespaceLabelCache.LIVE_READ_TIMEOUT;
    /** A live list of one namespace's charts is bounded like every read of the outside world. */
    static final int MAX_CHARTS_PER_NAMESPACE = 5_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    static final ResourceDefinitionContext HELM_REPOSITORIES = new ResourceDefinitionContext.Builder()
            .withGroup("source.toolkit.fluxcd.io").withVersion("v1").withKind("HelmRepository")
            .withPlural("helmrepositories").withNamespaced(true).build();
    static final ResourceDefinitionContext HELM_CHARTS = new ResourceDefinitionContext.Builder()
            .withGroup("source.toolkit.fluxcd.io").withVersion("v1").withKind("HelmChart")
            .withPlural("helmcharts").withNamespaced(true).build();

    private final KubernetesClient client;
    private SharedIndexInformer<GenericKubernetesResource> repositories;

    public HelmSourceCache(KubernetesClient client) {
        this.client = client;
    }

    public boolean synced() {
        return repositories != null && repositories.hasSynced();
    }

    public void start() {
        repositories = InformerRetries.retrying(client.genericKubernetesResources(HELM_REPOSITORIES).inAnyNamespace()
                .runnableInformer(0), "helmrepositories");
        repositories.start();
    }

    @Override
    public Optional<JsonNode> find(String namespace, String name) {
        GenericKubernetesResource cached = repositories == null ? null
                : repositories.getStore().getByKey(namespace + "/" + name);
        if (cached == null) {
            cached = read("HelmRepository " + namespace + "/" + name, (KubernetesClient c) -> c.genericKubernetesResources(HELM_REPOSITORIES)
                    .inNamespace(namespace).withName(name).get());
        }
        return Optional.ofNullable(cached).map(r -> JSON.valueToTree(r));
    }

    @Override
    public List<JsonNode> chartsNaming(String namespace, String name) {
        GenericKubernetesResourceList listed = read("the HelmCharts of namespace " + namespace,
                (KubernetesClient c) -> c.genericKubernetesResources(HELM_CHARTS).inNamespace(namespace)
                        .list(new ListOptionsBuilder().withLimit((long) MAX_CHARTS_PER_NAMESPACE).build()));
        if (listed != null && listed.getMetadata() != null && listed.getMetadata().getContinue() != null
                && !listed.getMetadata().getContinue().isEmpty()) {
            throw new KubernetesApiUnavailable("namespace " + namespace + " holds more than " + MAX_CHARTS_PER_NAMESPACE
                    + " HelmCharts, more than fleetwarden reads in one review");
        }
        List<GenericKubernetesResource> all = listed == null ? List.of() : listed.getItems();
        return all.stream().map(c -> (JsonNode) JSON.valueToTree(c))
                .filter(c -> "HelmRepository".equals(c.path("spec").path("sourceRef").path("kind").asText())
                        && name.equals(c.path("spec").path("sourceRef").path("name").asText()))
                .toList();
    }

    private <T> T read(String what, Function<KubernetesClient, T> read) {
        try {
            return BoundedReads.within(client, LIVE_READ_TIMEOUT, read);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return null; // the kind itself is not served: Flux is not installed, so nothing of it exists
            }
            throw new KubernetesApiUnavailable("cannot read " + what + " from the Kubernetes API: "
                    + (e instanceof BoundedReads.NoAnswer || e.getCode() <= 0 ? e.getMessage() : "HTTP " + e.getCode())
                    + " (the Kubernetes API server did not answer usefully)");
        }
    }

    @Override
    public void close() {
        if (repositories != null) {
            repositories.close();
        }
    }
}
