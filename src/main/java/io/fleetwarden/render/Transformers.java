package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Map;

/**
 * kustomize's built-in transformers other than patches: namespace, name prefix and suffix, labels,
 * annotations, images and replicas, each touching the fields its {@link TransformerConfig} section lists.
 */
final class Transformers {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Transformers() {
    }

    /**
     * Sets the namespace of every namespaceable object and of the config's namespace fields; binding subjects
     * named "default" follow too (kustomize's default {@code setRoleBindingSubjects: defaultOnly}).
     */
    static void namespace(List<Resource> resources, String ns, TransformerConfig config) {
        for (Resource r : resources) {
            ResId id = r.curId();
            if (!ClusterScope.isClusterScoped(id.kind())) {
                r.setNamespace(ns);
            }
            boolean binding = id.kind().equals("RoleBinding") || id.kind().equals("ClusterRoleBinding");
            if (binding && r.object().get("subjects") instanceof ArrayNode subjects) {
                for (JsonNode s : subjects) {
                    if (s instanceof ObjectNode so && "default".equals(so.path("name").asText(null))) {
                        so.put("namespace", ns);
                    }
                }
            }
            for (FieldSpec fs : config.specs("namespace")) {
                if (!fs.appliesTo(id) || fs.path().equals("metadata/namespace")) {
                    continue;
                }
                if (fs.path().equals("metadata/name")) {
                    // Only a v1 Namespace is renamed to the namespace, as kustomize's removeUnneededMetaFieldSpecs.
                    if (!r.object().path("apiVersion").asText().equals("v1")) {
                        continue;
                    }
                    r.remember();
                }
                if (binding && fs.path().equals("subjects/namespace")) {
                    continue;
                }
                fs.apply(r.object(), cur -> cur == null || cur.isValueNode() ? TextNode.valueOf(ns) : null);
            }
        }
    }

    /** namePrefix / nameSuffix on metadata.name, except for the kinds kustomize leaves alone. */
    static void prefixSuffix(List<Resource> resources, String prefix, String suffix, TransformerConfig config) {
        for (Resource r : resources) {
            ResId id = r.curId();
            if (id.kind().equals("CustomResourceDefinition") || id.kind().equals("Namespace")
                    || id.kind().equals("APIService") && id.group().equals("apiregistration.k8s.io")) {
                continue;
            }
            if (!prefix.isEmpty() && config.specs("namePrefix").stream().anyMatch(fs -> fs.appliesTo(id))) {
                r.setName(prefix + r.name());
                r.addPrefix(prefix);
            }
            if (!suffix.isEmpty() && config.specs("nameSuffix").stream().anyMatch(fs -> fs.appliesTo(id))) {
                r.setName(r.name() + suffix);
                r.addSuffix(suffix);
            }
        }
    }

    /** Adds key/values to the maps at the field specs (labels, selectors, annotations). */
    static void addToMaps(List<Resource> resources, Map<String, String> pairs, List<FieldSpec> specs) {
        if (pairs.isEmpty()) {
            return;
        }
        for (Resource r : resources) {
            ResId id = r.curId();
            for (FieldSpec fs : specs) {
                if (!fs.appliesTo(id)) {
                    continue;
                }
                fs.apply(r.object(), cur -> {
                    ObjectNode map = cur instanceof ObjectNode o ? o : JSON.objectNode();
                    pairs.forEach(map::put);
                    return map;
                });
            }
        }
    }

    /** One {@code images} entry on the configured image fields and on any containers/initContainers list. */
    static void image(List<Resource> resources, String name, String newName, String newTag, String digest,
            TransformerConfig config) {
        for (Resource r : resources) {
            ResId id = r.curId();
            legacyImages(r.object(), name, newName, newTag, digest);
            for (FieldSpec fs : config.specs("images")) {
                if (fs.appliesTo(id)) {
                    fs.apply(r.object(), false, cur -> cur != null && cur.isTextual()
                            ? updated(cur.asText(), name, newName, newTag, digest) : null);
                }
            }
        }
    }

    private static void legacyImages(JsonNode node, String name, String newName, String newTag, String digest) {
        if (node instanceof ObjectNode o) {
            o.fields().forEachRemaining(e -> {
                if ((e.getKey().equals("containers") || e.getKey().equals("initContainers"))
                        && e.getValue() instanceof ArrayNode list) {
                    for (JsonNode c : list) {
                        if (c instanceof ObjectNode co && co.path("image").isTextual()) {
                            JsonNode u = updated(co.get("image").asText(), name, newName, newTag, digest);
                            if (u != null) {
                                co.set("image", u);
                            }
                        }
                    }
                }
                legacyImages(e.getValue(), name, newName, newTag, digest);
            });
        } else if (node instanceof ArrayNode a) {
            a.forEach(x -> legacyImages(x, name, newName, newTag, digest));
        }
    }

    /** kustomize's image.Split and imageTagUpdater; null when the image is not the one named. */
    static JsonNode updated(String image, String name, String newName, String newTag, String digest) {
        String[] parts = split(image);
        if (!parts[0].equals(name)) {
            return null;
        }
        String n = newName.isEmpty() ? parts[0] : newName;
        String tag = parts[1];
        String dig = parts[2];
        if (!newTag.isEmpty() && !digest.isEmpty()) {
            tag = newTag;
            dig = digest;
        } else if (!newTag.isEmpty()) {
            tag = newTag;
            dig = "";
        } else if (!digest.isEmpty()) {
            dig = digest;
            tag = "";
        }
        return TextNode.valueOf(n + (tag.isEmpty() ? "" : ":" + tag) + (dig.isEmpty() ? "" : "@" + dig));
    }

    /** name, tag, digest of an image reference; a ':' before the first '/' is a registry port, not a tag. */
    static String[] split(String image) {
        int slash = image.indexOf('/');
        String search = image;
        if (slash > 0) {
            search = image.substring(slash);
        } else {
            slash = 0;
        }
        int id = search.indexOf('@');
        int ic = search.indexOf(':');
        if (ic < 0 && id < 0) {
            return new String[] {image, "", ""};
        }
        if (id >= 0 && (id < ic || ic < 0)) {
            id += slash;
            return new String[] {image.substring(0, id), "", image.substring(id + 1)};
        }
        if (id >= 0) {
            id += slash;
            ic += slash;
            return new String[] {image.substring(0, ic), image.substring(ic + 1, id), image.substring(id + 1)};
        }
        ic += slash;
        return new String[] {image.substring(0, ic), image.substring(ic + 1), ""};
    }

    /** One {@code replicas} entry: objects that ever had this name get the count at the replica fields. */
    static void replicas(List<Resource> resources, String name, long count, TransformerConfig config) {
        for (Resource r : resources) {
            if (r.allIds().stream().noneMatch(id -> id.name().equals(name))) {
                continue;
            }
            ResId id = r.curId();
            for (FieldSpec fs : config.specs("replicas")) {
                if (fs.appliesTo(id)) {
                    fs.apply(r.object(), cur -> JSON.numberNode(count));
                }
            }
        }
    }
}
