package io.fleetwarden.render;

import java.util.ArrayList;
import java.util.List;

/** The resources of one kustomization being built, in declaration order, and the configuration that came with them. */
final class Accumulator {

    final List<Resource> resources = new ArrayList<>();
    final TransformerConfig config;

    Accumulator(TransformerConfig config) {
        this.config = config;
    }

    /** Adds a resource whose id must be new, as kustomize's "may not add resource with an already registered id". */
    void add(Resource r, String file, String field) {
        ResId id = r.curId();
        for (Resource existing : resources) {
            if (existing.curId().matches(id)) {
                throw new RenderException(file, field, "may not add resource with an already registered id: " + id);
            }
        }
        resources.add(r);
    }

    /** Resources that ever had this id (kustomize's GetMatchingResourcesByAnyId). */
    List<Resource> byAnyId(ResId id) {
        return resources.stream().filter(r -> r.hasId(id)).toList();
    }
}
