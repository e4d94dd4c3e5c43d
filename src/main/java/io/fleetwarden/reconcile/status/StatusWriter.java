package io.fleetwarden.reconcile.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Iterator;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Writes an object's status subresource, only when it differs from what the object shows: a no-change
 * reconcile makes no write (and so no watch event, no etcd revision). The write is a JSON merge patch of the
 * fields the reconciler owns, so a field another writer added to the status is left alone.
 */
public final class StatusWriter {

    private static final Logger LOG = Logger.getLogger(StatusWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Numbers compare by value: a status read back may hold an int where we wrote a long. */
    private static final java.util.Comparator<JsonNode> SAME_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    private final KubernetesClient client;
    private final ResourceDefinitionContext kind;

    public StatusWriter(KubernetesClient client, ResourceDefinitionContext kind) {
        this.client = client;
        this.kind = kind;
    }

    /**
     * @param current the object as last seen (its status compared with {@code status})
     * @param status  the status fields to set; a field set to JSON null is removed
     * @return whether a write was made and succeeded
     */
    public boolean write(GenericKubernetesResource current, ObjectNode status) {
        JsonNode old = JSON.valueToTree(current.getAdditionalProperties().get("status"));
        if (!changes(old, status)) {
            return false;
        }
        ObjectNode patch = JSON.createObjectNode();
        patch.set("status", status);
        try {
            // Through resource(...), not withName(...): fabric8's patch by name reads the object first (a GET per
            // status write, measured: 5 of the 13 GETs per app at 1,000 Kustomizations); given an item it sends
            // only the PATCH. The item carries nothing but the object's identity.
            client.genericKubernetesResources(kind).inNamespace(current.getMetadata().getNamespace())
                    .resource(identity(kind, current)).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.writeValueAsString(patch));
            return true;
        } catch (KubernetesClientException e) {
            // 404: deleted meanwhile. Anything else: the next reconcile writes again; never fail the reconcile on it.
            if (e.getCode() != 404) {
                LOG.warnf("status of %s %s/%s not written (%d): %s", kind.getKind(),
                        current.getMetadata().getNamespace(), current.getMetadata().getName(), e.getCode(),
                        e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage());
            }
            return false;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A new object naming {@code current} (kind, namespace, name), for fabric8 calls that take an item only to know
     * where to send the request: never the informer's cached object itself, which must not be touched.
     */
    public static GenericKubernetesResource identity(ResourceDefinitionContext kind, GenericKubernetesResource current) {
        GenericKubernetesResource item = new GenericKubernetesResource();
        item.setApiVersion(current.getApiVersion() != null ? current.getApiVersion()
                : kind.getGroup() == null || kind.getGroup().isEmpty() ? kind.getVersion()
                        : kind.getGroup() + "/" + kind.getVersion());
        item.setKind(current.getKind() != null ? current.getKind() : kind.getKind());
        item.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withNamespace(current.getMetadata().getNamespace()).withName(current.getMetadata().getName())
                .build());
        return item;
    }

    /** Whether merging {@code patch} into {@code old} would change anything. */
    static boolean changes(JsonNode old, JsonNode patch) {
        if (!patch.isObject()) {
            return old == null || !patch.equals(SAME_VALUE, old);
        }
        if (old == null || !old.isObject()) {
            return true;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            JsonNode before = old.get(f.getKey());
            if (f.getValue().isNull()) {
                if (before != null && !before.isNull()) {
                    return true;
                }
            } else if (before == null || changes(before, f.getValue())) {
                return true;
            }
        }
        return false;
    }
}
