package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.render.resourceset.LabelSelector;
import io.fleetwarden.render.resourceset.ResourceSetRenderer;
import io.fleetwarden.render.resourceset.ResourceSetRenderer.RenderException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ResourceSetInputProviders a ResourceSet's {@code spec.inputsFrom} references, found among the checked files as
 * Flux Operator finds them in the cluster: by name or label selector, only in the ResourceSet's namespace. Offline only
 * a Static provider's inputs are known (its {@code defaultValues}); a reference to a provider that is not among the
 * files, or to one of another type (its inputs come from GitHub, GitLab, an OCI registry... when Flux Operator
 * reconciles), means the objects the ResourceSet creates cannot be known, and {@link Selected#unknown} says why.
 */
final class ResourceSetInputs {

    /** The Static providers to render with, or why the inputs cannot be known. */
    record Selected(List<Map<String, Object>> providers, String unknown) {
    }

    private ResourceSetInputs() {
    }

    static boolean isProvider(JsonNode o) {
        return ResourceSetRenderer.RSIP_KIND.equals(o.path("kind").asText())
                && o.path("apiVersion").asText().startsWith(ResourceSetRenderer.GROUP + "/");
    }

    /**
     * @param resourceSet with its namespace set
     * @param providers the providers among the checked files (any namespace, any type)
     * @param defaultNamespace the namespace of a provider that names none
     */
    static Selected select(JsonNode resourceSet, List<ManifestReader.Manifest> providers, String defaultNamespace)
            throws RenderException {
        String ns = resourceSet.at("/metadata/namespace").asText();
        JsonNode refs = resourceSet.at("/spec/inputsFrom");
        if (!refs.isArray() || refs.isEmpty()) {
            return new Selected(List.of(), null);
        }
        Map<String, JsonNode> inNamespace = new LinkedHashMap<>();
        for (ManifestReader.Manifest p : providers) {
            if (p.object().at("/metadata/namespace").asText(defaultNamespace).equals(ns)) {
                inNamespace.put(p.object().at("/metadata/name").asText(), p.object());
            }
        }
        Map<String, JsonNode> selected = new LinkedHashMap<>();
        for (int i = 0; i < refs.size(); i++) {
            JsonNode ref = refs.get(i);
            String field = "spec.inputsFrom[" + i + "]";
            String name = ref.path("name").asText("");
            boolean hasSelector = ref.hasNonNull("selector");
            if (!name.isEmpty() && hasSelector) {
                throw new RenderException(field + ": name and selector are mutually exclusive");
            }
            if (!name.isEmpty()) {
                JsonNode p = inNamespace.get(name);
                if (p == null) {
                    return unknown(field + ": ResourceSetInputProvider " + ns + "/" + name + " is not among the checked "
                            + "files, so its inputs are not known; check it with the ResourceSet (-f)");
                }
                selected.put(name, p);
            } else if (hasSelector) {
                Map<String, Object> selector = ResourceSetRenderer.map(goValues(ref.get("selector")), field + ".selector");
                int matched = 0;
                for (Map.Entry<String, JsonNode> e : inNamespace.entrySet()) {
                    JsonNode labels = e.getValue().at("/metadata/labels");
                    if (LabelSelector.matches(selector, labels.isObject() ? goValues(labels) : Map.of())) {
                        selected.put(e.getKey(), e.getValue());
                        matched++;
                    }
                }
                if (matched == 0) {
                    return unknown(field + ": no ResourceSetInputProvider in namespace " + ns + " among the checked "
                            + "files matches its selector " + ref.get("selector") + ", so the inputs are not known; "
                            + "check the providers with the ResourceSet (-f)");
                }
            } else {
                throw new RenderException(field + ": input provider reference must have either name or selector set");
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : selected.entrySet()) {
            String type = e.getValue().at("/spec/type").asText("");
            if (!type.equals("Static")) {
                return unknown("ResourceSetInputProvider " + ns + "/" + e.getKey() + " is of type "
                        + (type.isEmpty() ? "(none)" : type) + ": its inputs are fetched when Flux Operator reconciles, "
                        + "so what the ResourceSet creates cannot be known offline (only Static providers are read)");
            }
            Map<String, Object> provider = goValues(e.getValue());
            ResourceSetRenderer.map(provider.get("metadata"), "metadata").put("namespace", ns);
            out.add(provider);
        }
        return new Selected(out, null);
    }

    private static Selected unknown(String why) {
        return new Selected(List.of(), why);
    }

    /**
     * An object as the renderer reads it: its JSON text read as YAML, so numbers are Go's int64 and float64, as the
     * engine hands objects from the API server to the same renderer.
     */
    static Map<String, Object> goValues(JsonNode object) throws RenderException {
        List<Object> docs = ResourceSetRenderer.readYaml(object.toString());
        if (docs.size() != 1 || !(docs.get(0) instanceof Map<?, ?> m)) {
            throw new RenderException("not one object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) m;
        return map;
    }
}
