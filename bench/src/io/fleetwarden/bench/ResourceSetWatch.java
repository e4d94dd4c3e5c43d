package io.fleetwarden.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetwarden.reconcile.FluxKinds;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * When a ResourceSet first shows a given state, seen by a watch: an expectation is registered before the change that
 * should lead to it, and completes with the first event that meets it and its {@code System.nanoTime()} (events
 * arrive within milliseconds of the status write; polling would add its own period to every figure).
 */
final class ResourceSetWatch implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The first event that met an expectation: when it arrived, and the ResourceSet it carried. */
    record Seen(long nanos, JsonNode resourceSet) {
    }

    private record Expectation(String namespace, String name, Predicate<JsonNode> state, CompletableFuture<Seen> seen) {
    }

    private final List<Expectation> pending = new CopyOnWriteArrayList<>();
    private final SharedIndexInformer<GenericKubernetesResource> informer;

    ResourceSetWatch(KubernetesClient client) {
        informer = client.genericKubernetesResources(FluxKinds.RESOURCE_SET).inAnyNamespace().inform(
                new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource obj) {
                        seen(obj);
                    }

                    @Override
                    public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource now) {
                        seen(now);
                    }

                    @Override
                    public void onDelete(GenericKubernetesResource obj, boolean unknown) {
                    }
                }, 0);
    }

    /** Completes with the first event from now on in which ns/name meets {@code state}. */
    CompletableFuture<Seen> expect(String namespace, String name, Predicate<JsonNode> state) {
        Expectation e = new Expectation(namespace, name, state, new CompletableFuture<>());
        pending.add(e);
        return e.seen();
    }

    private void seen(GenericKubernetesResource object) {
        long now = System.nanoTime();
        JsonNode json = null;
        for (Expectation e : pending) {
            if (e.namespace().equals(object.getMetadata().getNamespace())
                    && e.name().equals(object.getMetadata().getName())) {
                json = json == null ? JSON.valueToTree(object) : json;
                if (e.state().test(json)) {
                    e.seen().complete(new Seen(now, json));
                    pending.remove(e);
                }
            }
        }
    }

    static boolean ready(JsonNode rs) {
        for (JsonNode c : rs.at("/status/conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return "True".equals(c.path("status").asText());
            }
        }
        return false;
    }

    static String readyMessage(JsonNode rs) {
        for (JsonNode c : rs.at("/status/conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return c.path("reason").asText() + ": " + c.path("message").asText();
            }
        }
        return "no Ready condition";
    }

    static int inventorySize(JsonNode rs) {
        return rs.at("/status/inventory/entries").size();
    }

    @Override
    public void close() {
        informer.close();
    }
}
