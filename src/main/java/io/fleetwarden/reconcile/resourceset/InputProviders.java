package io.fleetwarden.reconcile.resourceset;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetwarden.render.resourceset.LabelSelector;
import io.fleetwarden.render.resourceset.ResourceSetRenderer;
import io.fleetwarden.render.resourceset.ResourceSetRenderer.RenderException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The ResourceSetInputProviders a ResourceSet's {@code spec.inputsFrom} references, as Flux Operator finds them: by
 * name (a missing one is an error naming it) or by label selector, only in the ResourceSet's namespace. Only these
 * are handed to the renderer, so an unrelated provider of another type in the namespace never fails a ResourceSet;
 * a referenced provider of a type other than Static is refused by the renderer by name.
 */
final class InputProviders {

    private InputProviders() {
    }

    /**
     * @param inNamespace the providers of a namespace (the engine's informer cache)
     * @return the referenced providers as the renderer reads objects (Go-typed values, as the CLI reads them)
     */
    static List<Map<String, Object>> referenced(Map<String, Object> resourceSet, String namespace,
            Function<String, List<GenericKubernetesResource>> inNamespace) throws RenderException {
        Map<String, Object> spec = ResourceSetRenderer.map(resourceSet.get("spec"), "spec");
        List<Object> refs = ResourceSetRenderer.list(spec.get("inputsFrom"), "spec.inputsFrom");
        if (refs.isEmpty()) {
            return List.of();
        }
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        for (GenericKubernetesResource p : inNamespace.apply(namespace)) {
            byName.put(p.getMetadata().getName(), GoObjects.goValues(p));
        }
        Map<String, Map<String, Object>> selected = new LinkedHashMap<>();
        for (int i = 0; i < refs.size(); i++) {
            Map<String, Object> ref = ResourceSetRenderer.map(refs.get(i), "spec.inputsFrom[" + i + "]");
            Object name = ref.get("name");
            Object selector = ref.get("selector");
            if (name instanceof String n && !n.isEmpty()) {
                Map<String, Object> provider = byName.get(n);
                if (provider == null) {
                    throw new RenderException("failed to get provider " + namespace + "/" + n + " (spec.inputsFrom["
                            + i + "]): ResourceSetInputProvider not found");
                }
                selected.put(n, provider);
            } else if (selector instanceof Map<?, ?> sel) {
                for (Map.Entry<String, Map<String, Object>> e : byName.entrySet()) {
                    Map<String, Object> md = ResourceSetRenderer.map(e.getValue().get("metadata"), "metadata");
                    Map<String, Object> labels = ResourceSetRenderer.map(md.get("labels"), "metadata.labels");
                    @SuppressWarnings("unchecked")
                    Map<String, Object> s = (Map<String, Object>) sel;
                    if (LabelSelector.matches(s, labels)) {
                        selected.put(e.getKey(), e.getValue());
                    }
                }
            } else {
                throw new RenderException("spec.inputsFrom[" + i + "]: input provider reference must have either name"
                        + " or selector set");
            }
        }
        return new ArrayList<>(selected.values());
    }
}
