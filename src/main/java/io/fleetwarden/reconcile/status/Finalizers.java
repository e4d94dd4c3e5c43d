package io.fleetwarden.reconcile.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.List;

/**
 * One finalizer of one kind (Flux's on Kustomizations, Flux Operator's on ResourceSets): added before the first
 * object is applied, so deleting the owner garbage-collects what it applied; removed once that is done.
 */
public final class Finalizers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final ResourceDefinitionContext kind;
    private final String finalizer;

    public Finalizers(KubernetesClient client, ResourceDefinitionContext kind, String finalizer) {
        this.client = client;
        this.kind = kind;
        this.finalizer = finalizer;
    }

    public boolean isOn(GenericKubernetesResource object) {
        List<String> finalizers = object.getMetadata().getFinalizers();
        return finalizers != null && finalizers.contains(finalizer);
    }

    public void ensure(GenericKubernetesResource object) {
        if (isOn(object)) {
            return;
        }
        List<String> finalizers = object.getMetadata().getFinalizers();
        List<String> next = new ArrayList<>(finalizers == null ? List.of() : finalizers);
        next.add(finalizer);
        patch(object, next);
    }

    public void remove(GenericKubernetesResource object) {
        if (!isOn(object)) {
            return;
        }
        List<String> next = new ArrayList<>(object.getMetadata().getFinalizers());
        next.remove(finalizer);
        patch(object, next);
    }

    private void patch(GenericKubernetesResource object, List<String> finalizers) {
        ObjectNode patch = JSON.createObjectNode();
        ObjectNode meta = patch.putObject("metadata");
        // The resourceVersion makes it conditional: a concurrent change to the list is not overwritten.
        meta.put("resourceVersion", object.getMetadata().getResourceVersion());
        ArrayNode a = meta.putArray("finalizers");
        finalizers.forEach(a::add);
        try {
            // resource(identity), not withName: fabric8 reads an object named only by name before patching it.
            client.genericKubernetesResources(kind).inNamespace(object.getMetadata().getNamespace())
                    .resource(StatusWriter.identity(kind, object))
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }
}
