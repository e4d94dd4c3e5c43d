package io.fleetwarden.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The labels kustomize-controller (and our reconciler) put on every object of a Kustomization:
 * {@code kustomize.toolkit.fluxcd.io/name} and {@code /namespace}. A dry run of a Kustomization's objects
 * without them would report every object Flux applied as drifted, because a server-side apply that no longer
 * sets a label it owned removes it.
 */
public final class OwnerLabels {

    private OwnerLabels() {
    }

    /** Adds the owner labels of Kustomization {@code namespace/name} to each object, in place. */
    public static void add(List<ObjectNode> objects, String namespace, String name) {
        for (ObjectNode o : objects) {
            JsonNode meta = o.get("metadata");
            ObjectNode m = meta instanceof ObjectNode mo ? mo : o.putObject("metadata");
            JsonNode labels = m.get("labels");
            ObjectNode l = labels instanceof ObjectNode lo ? lo : m.putObject("labels");
            l.put(FluxMetadata.OWNER_NAME, name);
            l.put(FluxMetadata.OWNER_NAMESPACE, namespace);
        }
    }
}
