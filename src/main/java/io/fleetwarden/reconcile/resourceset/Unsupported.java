package io.fleetwarden.reconcile.resourceset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flux Operator's per-object annotations fleetwarden does not implement yet. Each changes what is applied or how
 * (data converted from a kubeconfig, a checksum that rolls a Deployment, a forced recreation, a failed Job
 * recreated): applying the object without it would deliver something other than what the author asked for, so the
 * ResourceSet is refused, naming the object and the annotation, rather than half-honoured.
 */
final class Unsupported {

    static final List<String> ANNOTATIONS = List.of(ResourceSetSpec.GROUP + "/convertKubeConfigFrom",
            ResourceSetSpec.GROUP + "/checksumFrom", ResourceSetSpec.FORCE, ResourceSetSpec.GROUP + "/recreateOnFailure");

    private Unsupported() {
    }

    static Optional<String> annotations(List<Map<String, Object>> objects) {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            Map<String, Object> meta = map(o.get("metadata"));
            Map<String, Object> annotations = map(meta.get("annotations"));
            for (String a : ANNOTATIONS) {
                if (annotations.containsKey(a)) {
                    problems.add(o.get("kind") + "/" + (meta.get("namespace") == null ? "" : meta.get("namespace") + "/")
                            + meta.get("name") + ": annotation " + a + " is not supported in engine mode");
                }
            }
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
