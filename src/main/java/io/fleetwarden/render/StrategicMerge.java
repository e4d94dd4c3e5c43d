package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strategic-merge patch as kustomize applies it (kyaml merge2, list elements from the patch first): maps
 * merge, {@code null} deletes a field, lists merge by the {@link MergeKeys} of built-in kinds and are replaced
 * otherwise, {@code $patch: delete} and {@code $patch: replace} work on maps and list elements. Other
 * directives ({@code $retainKeys}, {@code $setElementOrder}, {@code $deleteFromPrimitiveList}) are refused.
 */
final class StrategicMerge {

    private final ResId id;
    private final String file;

    private StrategicMerge(ResId id, String file) {
        this.id = id;
        this.file = file;
    }

    /** The merged object, or null when the patch deletes it ({@code $patch: delete} at the top). */
    static ObjectNode apply(ObjectNode target, ObjectNode patch, ResId id, String file) {
        JsonNode out = new StrategicMerge(id, file).mergeMap(target.deepCopy(), patch, new ArrayList<>());
        return (ObjectNode) out;
    }

    private JsonNode mergeMap(ObjectNode dest, ObjectNode patch, List<String> path) {
        String directive = directive(patch, path);
        if ("delete".equals(directive)) {
            return null;
        }
        if ("replace".equals(directive)) {
            return strip(patch);
        }
        for (var it = patch.fields(); it.hasNext();) {
            var e = it.next();
            String key = e.getKey();
            if (key.equals("$patch")) {
                continue;
            }
            JsonNode pv = e.getValue();
            JsonNode dv = dest.get(key);
            if (pv.isNull()) {
                dest.remove(key);
                continue;
            }
            path.add(key);
            JsonNode merged = mergeValue(dv, pv, path);
            path.remove(path.size() - 1);
            if (merged == null) {
                dest.remove(key);
            } else {
                dest.set(key, merged);
            }
        }
        return dest;
    }

    private JsonNode mergeValue(JsonNode dest, JsonNode patch, List<String> path) {
        if (dest == null || dest.isNull()) {
            if (patch instanceof ObjectNode o && "delete".equals(directive(o, path))) {
                return null;
            }
            return strip(patch);
        }
        if (dest instanceof ObjectNode d && patch instanceof ObjectNode p) {
            return mergeMap(d, p, path);
        }
        if (dest instanceof ArrayNode d && patch instanceof ArrayNode p) {
            List<String> keys = MergeKeys.forField(id, path);
            if (keys == null) {
                return strip(p);
            }
            if (keys.get(0).isEmpty()) {
                return mergeScalars(d, p);
            }
            // kyaml keeps only the keys some element has a value for; with one left, the list merges by one key.
            List<String> valid = keys.stream().filter(k -> has(d, k) || has(p, k)).toList();
            if (valid.size() <= 1) {
                return mergeAssociative(d, p, valid.isEmpty() ? keys.get(0) : valid.get(0), path);
            }
            return mergeMultiKey(d, p, valid, path);
        }
        return strip(patch);
    }

    /** Patch elements first, then the target's others; an element with {@code $patch: delete} removes its key. */
    private JsonNode mergeAssociative(ArrayNode dest, ArrayNode patch, String key, List<String> path) {
        for (JsonNode p : patch) {
            if (p instanceof ObjectNode o && "replace".equals(directive(o, path)) && o.size() == 1) {
                ArrayNode replaced = JsonNodeFactory.instance.arrayNode();
                patch.forEach(x -> {
                    if (x != p) {
                        replaced.add(strip(x));
                    }
                });
                return replaced;
            }
        }
        Map<String, JsonNode> destByKey = new LinkedHashMap<>();
        List<JsonNode> keyless = new ArrayList<>();
        for (JsonNode d : dest) {
            JsonNode k = d.get(key);
            if (k == null || k.isNull() || k.isContainerNode()) {
                keyless.add(d);
            } else {
                destByKey.putIfAbsent(k.asText(), d);
            }
        }
        Map<String, JsonNode> result = new LinkedHashMap<>();
        for (JsonNode p : patch) {
            JsonNode k = p.get(key);
            if (!(p instanceof ObjectNode po) || k == null || k.isNull() || k.isContainerNode()) {
                continue;
            }
            String kv = k.asText();
            if (result.containsKey(kv)) {
                continue;
            }
            JsonNode d = destByKey.get(kv);
            JsonNode merged = d instanceof ObjectNode dobj ? mergeMap(dobj, po, path)
                    : ("delete".equals(directive(po, path)) ? null : strip(po));
            result.put(kv, merged);
        }
        destByKey.forEach((k, v) -> {
            if (!result.containsKey(k)) {
                result.put(k, v);
            }
        });
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        result.values().stream().filter(v -> v != null).forEach(out::add);
        keyless.forEach(out::add);
        return out;
    }

    /**
     * A list with several merge keys, as kyaml does it: elements match when their key values agree where both
     * have one (a port without protocol matches the same port with TCP); the result is the patch's new elements,
     * then the target's elements in their order, merged.
     */
    private JsonNode mergeMultiKey(ArrayNode dest, ArrayNode patch, List<String> keys, List<String> path) {
        List<JsonNode> merged = new ArrayList<>();
        dest.forEach(merged::add);
        List<JsonNode> added = new ArrayList<>();
        for (JsonNode p : patch) {
            if (!(p instanceof ObjectNode po)) {
                continue;
            }
            int match = -1;
            for (int i = 0; i < merged.size() && match < 0; i++) {
                if (merged.get(i) != null && keysMatch(merged.get(i), po, keys)) {
                    match = i;
                }
            }
            if (match >= 0) {
                JsonNode d = merged.get(match);
                merged.set(match, d instanceof ObjectNode dobj ? mergeMap(dobj, po, path) : strip(po));
            } else if (!"delete".equals(directive(po, path))) {
                added.add(strip(po));
            }
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        added.forEach(out::add);
        merged.stream().filter(v -> v != null).forEach(out::add);
        return out;
    }

    private static boolean has(ArrayNode list, String key) {
        for (JsonNode e : list) {
            if (e.path(key).isValueNode() && !e.path(key).asText().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static boolean keysMatch(JsonNode a, JsonNode b, List<String> keys) {
        boolean common = false;
        for (String k : keys) {
            String av = a.path(k).isValueNode() ? a.path(k).asText() : "";
            String bv = b.path(k).isValueNode() ? b.path(k).asText() : "";
            if (!av.isEmpty() && !bv.isEmpty()) {
                if (!av.equals(bv)) {
                    return false;
                }
                common = true;
            }
        }
        return common;
    }

    private static JsonNode mergeScalars(ArrayNode dest, ArrayNode patch) {
        Map<String, JsonNode> seen = new LinkedHashMap<>();
        patch.forEach(p -> seen.putIfAbsent(p.asText(), p));
        dest.forEach(d -> seen.putIfAbsent(d.asText(), d));
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        seen.values().forEach(out::add);
        return out;
    }

    private String directive(ObjectNode map, List<String> path) {
        for (var it = map.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (f.startsWith("$") && !f.equals("$patch")) {
                throw new RenderException(file, String.join(".", path) + "." + f,
                        "unsupported strategic-merge directive (supported: $patch: delete|replace)");
            }
        }
        JsonNode d = map.get("$patch");
        if (d == null) {
            return null;
        }
        String v = d.asText();
        if (!v.equals("delete") && !v.equals("replace") && !v.equals("merge")) {
            throw new RenderException(file, String.join(".", path) + ".$patch",
                    "unknown patch strategy '" + v + "' (delete, replace or merge)");
        }
        return v;
    }

    /** The patch value without directives, as kustomize adds a missing subtree. */
    private static JsonNode strip(JsonNode n) {
        if (n instanceof ObjectNode o) {
            ObjectNode c = JsonNodeFactory.instance.objectNode();
            o.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("$patch")) {
                    c.set(e.getKey(), strip(e.getValue()));
                }
            });
            return c;
        }
        if (n instanceof ArrayNode a) {
            ArrayNode c = JsonNodeFactory.instance.arrayNode();
            a.forEach(x -> c.add(strip(x)));
            return c;
        }
        return n;
    }
}
