package io.fleetwarden.reconcile.resourceset;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetwarden.render.resourceset.ResourceSetRenderer;
import io.fleetwarden.render.resourceset.ResourceSetRenderer.RenderException;
import java.util.List;
import java.util.Map;

/**
 * Conversions between the API's objects and the renderer's values. An object from the API server goes to the
 * renderer through its JSON text read as the CLI reads a file ({@link ResourceSetRenderer#readYaml}), so that
 * numbers are Go's int64 and float64 and a ResourceSet renders in the cluster exactly as {@code build resourceset}
 * renders it offline.
 */
final class GoObjects {

    private static final ObjectMapper JSON = new ObjectMapper();

    private GoObjects() {
    }

    static Map<String, Object> goValues(GenericKubernetesResource object) throws RenderException {
        String json;
        try {
            json = JSON.writeValueAsString(object);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        List<Object> docs = ResourceSetRenderer.readYaml(json);
        if (docs.size() != 1 || !(docs.get(0) instanceof Map<?, ?> m)) {
            throw new RenderException(object.getKind() + "/" + object.getMetadata().getName() + " is not one object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) m;
        return map;
    }

    static ObjectNode node(Map<String, Object> rendered) {
        return JSON.valueToTree(rendered);
    }
}
