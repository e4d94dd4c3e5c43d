package io.fleetwarden.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetwarden.reconcile.FluxKinds;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the harness sees of one namespace's OCIRepositories and Kustomizations, from watches as the admin (informer
 * events arrive within milliseconds of a status write; a poll would add its own period to every figure, and the
 * admin's requests are not the system under test's): when each Kustomization was first Ready with an applied
 * revision, when each revision was first applied, and when each source first had an artifact of a revision.
 */
final class SideBySideWatch implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SharedIndexInformer<GenericKubernetesResource> kustomizations;
    private final SharedIndexInformer<GenericKubernetesResource> sources;
    private final Map<String, Long> readySince = new ConcurrentHashMap<>();
    private final Map<String, Long> applied = new ConcurrentHashMap<>();
    private final Map<String, Long> artifacts = new ConcurrentHashMap<>();

    private final String namespace;

    SideBySideWatch(KubernetesClient admin, String ns) {
        this.namespace = ns;
        kustomizations = admin.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(ns)
                .inform(handler(this::kustomization), 0);
        sources = admin.genericKubernetesResources(FluxKinds.OCI_REPOSITORY).inNamespace(ns)
                .inform(handler(this::source), 0);
    }

    private static ResourceEventHandler<GenericKubernetesResource> handler(
            java.util.function.Consumer<GenericKubernetesResource> record) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
                record.accept(obj);
            }

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource now) {
                record.accept(now);
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean unknown) {
            }
        };
    }

    private void kustomization(GenericKubernetesResource k) {
        long now = System.nanoTime();
        JsonNode o = JSON.valueToTree(k);
        String revision = o.at("/status/lastAppliedRevision").asText("");
        if (revision.isEmpty()) {
            return;
        }
        String name = k.getMetadata().getName();
        applied.putIfAbsent(name + "@" + revision, now);
        if ("True".equals(condition(o, "Ready"))) {
            readySince.putIfAbsent(name, now);
        }
    }

    private void source(GenericKubernetesResource s) {
        String revision = JSON.valueToTree(s).at("/status/artifact/revision").asText("");
        if (!revision.isEmpty()) {
            artifacts.putIfAbsent(s.getMetadata().getName() + "@" + revision, System.nanoTime());
        }
    }

    static String condition(JsonNode object, String type) {
        for (JsonNode c : object.at("/status/conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c.path("status").asText();
            }
        }
        return "";
    }

    int ready() {
        return readySince.size();
    }

    /** Nanotimes at which each Kustomization was first Ready. */
    List<Long> readyTimes() {
        return List.copyOf(readySince.values());
    }

    /** When {@code name} first showed {@code revision} as lastAppliedRevision, or null. */
    Long applied(String name, String revision) {
        return applied.get(name + "@" + revision);
    }

    /** When OCIRepository {@code name} first had an artifact of {@code revision}, or null. */
    Long artifact(String name, String revision) {
        return artifacts.get(name + "@" + revision);
    }

    /**
     * How many Kustomizations and OCIRepositories have not yet reconciled their current generation without failing
     * (from the watches' caches: no request).
     */
    int unsettled() {
        return unsettledObjects().size();
    }

    /** The unsettled objects, as "kind name generation/observedGeneration Ready". */
    List<String> unsettledObjects() {
        List<String> out = new java.util.ArrayList<>();
        for (var informer : List.of(kustomizations, sources)) {
            for (GenericKubernetesResource r : informer.getStore().list()) {
                JsonNode o = JSON.valueToTree(r);
                // Flux marks Ready Unknown while a reconcile runs (with wait: true, for the health checks too), so
                // on a short interval some are always in progress: settled means the generation was reconciled
                // and did not fail.
                if (o.at("/status/observedGeneration").asLong(-1) != r.getMetadata().getGeneration()
                        || "False".equals(condition(o, "Ready"))) {
                    out.add(r.getKind() + " " + r.getMetadata().getName() + " generation "
                            + r.getMetadata().getGeneration() + " observed " + o.at("/status/observedGeneration")
                            .asLong(-1) + " Ready=" + condition(o, "Ready"));
                }
            }
        }
        return out;
    }

    /** The Ready condition of one Kustomization and its source, for progress lines. */
    String readyMessage(String name) {
        StringBuilder s = new StringBuilder();
        for (var informer : List.of(sources, kustomizations)) {
            GenericKubernetesResource r = informer.getStore().getByKey(namespace + "/" + name);
            String kind = informer == sources ? "OCIRepository" : "Kustomization";
            if (r == null) {
                s.append(kind).append(' ').append(name).append(" absent; ");
                continue;
            }
            for (JsonNode c : JSON.valueToTree(r).at("/status/conditions")) {
                if ("Ready".equals(c.path("type").asText())) {
                    s.append(kind).append(' ').append(name).append(" Ready=").append(c.path("status").asText())
                            .append(' ').append(c.path("reason").asText()).append(": ")
                            .append(c.path("message").asText()).append("; ");
                }
            }
        }
        return s.toString();
    }

    @Override
    public void close() {
        kustomizations.close();
        sources.close();
    }
}
