package io.fleetwarden.reconcile;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetwarden.kube.InformerRetries;
import io.fleetwarden.reconcile.runtime.Controller;
import io.fleetwarden.reconcile.runtime.ObjectKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Engine mode: watches OCIRepositories and Kustomizations (those of this shard), and feeds their controllers.
 * A spec change ({@code metadata.generation}), a {@code reconcile.fluxcd.io/requestedAt} annotation or a deletion
 * queues an object; our own status writes do not. A new artifact queues the source's Kustomizations, and a
 * Kustomization that changes readiness queues those that depend on it, so nothing waits for a poll interval.
 * Runs only while this replica leads its shard; {@link #stop} and {@link #start} may alternate.
 */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Engine.class);

    /** Flux's sharding label: a controller with a shard key reconciles only objects labelled with it. */
    public static final String SHARD_LABEL = "sharding.fluxcd.io/key";

    /** Builds a controller for a kind, given a cache lookup (informer store) for that kind. */
    public interface ControllerFactory {
        Controller create(Function<ObjectKey, GenericKubernetesResource> sources,
                Function<ObjectKey, GenericKubernetesResource> kustomizations, Engine engine);
    }

    private final KubernetesClient client;
    private final String shard;
    private final ControllerFactory sourceFactory;
    private final ControllerFactory kustomizationFactory;
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
    private SharedIndexInformer<GenericKubernetesResource> sourceInformer;
    private SharedIndexInformer<GenericKubernetesResource> kustomizationInformer;
    private Controller sources;
    private Controller kustomizations;

    /** @param shard this replica's shard key, or null for the objects without one */
    public Engine(KubernetesClient client, String shard, ControllerFactory sourceFactory,
            ControllerFactory kustomizationFactory) {
        this.client = client;
        this.shard = shard == null || shard.isBlank() ? null : shard;
        this.sourceFactory = sourceFactory;
        this.kustomizationFactory = kustomizationFactory;
    }

    public synchronized void start() {
        if (sources != null) {
            return;
        }
        sourceInformer = inform(FluxKinds.OCI_REPOSITORY);
        kustomizationInformer = inform(FluxKinds.KUSTOMIZATION);
        Function<ObjectKey, GenericKubernetesResource> sourceCache = cacheOf(sourceInformer);
        Function<ObjectKey, GenericKubernetesResource> kustomizationCache = cacheOf(kustomizationInformer);
        sources = sourceFactory.create(sourceCache, kustomizationCache, this);
        kustomizations = kustomizationFactory.create(sourceCache, kustomizationCache, this);
        sourceInformer.addEventHandler(handler(sources, false));
        kustomizationInformer.addEventHandler(handler(kustomizations, true));
        sources.start();
        kustomizations.start();
        informers.forEach(SharedIndexInformer::run);
        LOG.infof("engine started (shard %s)", shard == null ? "<unlabelled objects>" : shard);
    }

    public synchronized void stop() {
        informers.forEach(SharedIndexInformer::stop);
        informers.clear();
        if (sources != null) {
            sources.close();
            kustomizations.close();
        }
        sources = null;
        kustomizations = null;
    }

    /** A source holds a new artifact: queue the Kustomizations reading it. */
    public void sourceChanged(ObjectKey source) {
        Controller k = kustomizations;
        SharedIndexInformer<GenericKubernetesResource> inf = kustomizationInformer;
        if (k == null || inf == null) {
            return;
        }
        for (GenericKubernetesResource ks : inf.getStore().list()) {
            Map<String, Object> spec = map(ks.getAdditionalProperties().get("spec"));
            Map<String, Object> ref = map(spec.get("sourceRef"));
            String ns = ref.get("namespace") == null ? ks.getMetadata().getNamespace() : ref.get("namespace").toString();
            if ("OCIRepository".equals(ref.get("kind")) && source.name().equals(ref.get("name"))
                    && source.namespace().equals(ns)) {
                k.enqueue(ObjectKey.of(ks));
            }
        }
    }

    /** A Kustomization's readiness changed: queue those that depend on it. */
    private void dependencyChanged(GenericKubernetesResource changed) {
        Controller k = kustomizations;
        if (k == null) {
            return;
        }
        String name = changed.getMetadata().getName();
        String namespace = changed.getMetadata().getNamespace();
        for (GenericKubernetesResource ks : kustomizationInformer.getStore().list()) {
            Map<String, Object> spec = map(ks.getAdditionalProperties().get("spec"));
            if (!(spec.get("dependsOn") instanceof List<?> deps)) {
                continue;
            }
            for (Object d : deps) {
                Map<String, Object> dep = map(d);
                String ns = dep.get("namespace") == null ? ks.getMetadata().getNamespace() : dep.get("namespace").toString();
                if (name.equals(dep.get("name")) && namespace.equals(ns)) {
                    k.enqueue(ObjectKey.of(ks));
                }
            }
        }
    }

    /** Reconciles so far, per kind: for metrics, benchmarks and tests. */
    public long reconciles(String kind) {
        Controller c = "Kustomization".equals(kind) ? kustomizations : sources;
        return c == null ? 0 : c.reconciles();
    }

    /** The objects of a kind this engine watches now (its shard's): for tests and diagnostics. */
    public synchronized List<ObjectKey> watched(String kind) {
        SharedIndexInformer<GenericKubernetesResource> i = "Kustomization".equals(kind) ? kustomizationInformer
                : sourceInformer;
        return i == null || sources == null ? List.of() : i.getStore().list().stream().map(ObjectKey::of).toList();
    }

    private SharedIndexInformer<GenericKubernetesResource> inform(ResourceDefinitionContext kind) {
        // No resync: the work queue schedules every object's next reconcile itself.
        SharedIndexInformer<GenericKubernetesResource> informer = (shard == null
                ? client.genericKubernetesResources(kind).inAnyNamespace().withoutLabel(SHARD_LABEL)
                : client.genericKubernetesResources(kind).inAnyNamespace().withLabel(SHARD_LABEL, shard))
                .runnableInformer(0);
        // Flux's CRDs may arrive after fleetwarden (a fresh cluster, an upgrade): keep listing until they exist.
        InformerRetries.retrying(informer, kind.getPlural());
        informers.add(informer);
        return informer;
    }

    private static Function<ObjectKey, GenericKubernetesResource> cacheOf(SharedIndexInformer<GenericKubernetesResource> i) {
        return key -> i.getStore().getByKey(key.namespace() + "/" + key.name());
    }

    private ResourceEventHandler<GenericKubernetesResource> handler(Controller controller, boolean kustomization) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
                controller.enqueue(ObjectKey.of(obj));
            }

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource now) {
                if (!Objects.equals(old.getMetadata().getGeneration(), now.getMetadata().getGeneration())
                        || !Objects.equals(requestedAt(old), requestedAt(now))
                        || (now.getMetadata().getDeletionTimestamp() != null
                                && old.getMetadata().getDeletionTimestamp() == null)) {
                    controller.enqueue(ObjectKey.of(now));
                }
                if (kustomization && !Objects.equals(ready(old), ready(now))) {
                    dependencyChanged(now);
                }
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean finalStateUnknown) {
                controller.forget(ObjectKey.of(obj));
                controller.enqueue(ObjectKey.of(obj)); // the reconciler sees it gone and drops what it held
            }
        };
    }

    private static String requestedAt(GenericKubernetesResource o) {
        Map<String, String> a = o.getMetadata().getAnnotations();
        return a == null ? null : a.get(FluxKinds.REQUESTED_AT);
    }

    private static String ready(GenericKubernetesResource o) {
        Map<String, Object> status = map(o.getAdditionalProperties().get("status"));
        if (!(status.get("conditions") instanceof List<?> conditions)) {
            return null;
        }
        for (Object c : conditions) {
            Map<String, Object> m = map(c);
            if ("Ready".equals(m.get("type"))) {
                return m.get("status") + "/" + status.get("lastAppliedRevision");
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @Override
    public void close() {
        stop();
    }
}
