package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A field a transformer touches in the objects of one GVK (empty parts match any), as in kustomize's
 * configuration: {@code path} is slash-separated, a list on the way is entered element by element
 * ({@code containers[]} says so explicitly), and {@code create} makes missing fields.
 */
record FieldSpec(String group, String version, String kind, String path, boolean create) {

    boolean appliesTo(ResId id) {
        return id.selectedBy(group, version, kind);
    }

    /**
     * Calls {@code setter} with the value at the path (null when missing and {@code create}); a non-null result
     * replaces the value. Returns whether a value was visited.
     */
    boolean apply(ObjectNode object, UnaryOperator<JsonNode> setter) {
        return apply(object, true, setter);
    }

    /**
     * As {@link #apply(ObjectNode, UnaryOperator)}; {@code mayCreate} false for the transformers that never create
     * fields whatever the spec says (images, name references), as in kustomize where they set no create kind.
     */
    boolean apply(ObjectNode object, boolean mayCreate, UnaryOperator<JsonNode> setter) {
        return walk(object, segments(path), 0, create && mayCreate, setter);
    }

    private boolean walk(JsonNode node, List<String> segs, int i, boolean create, UnaryOperator<JsonNode> setter) {
        if (node instanceof ArrayNode array) {
            boolean any = false;
            for (JsonNode e : array) {
                any |= walk(e, segs, i, create, setter);
            }
            return any;
        }
        if (!(node instanceof ObjectNode map)) {
            return false;
        }
        String seg = segs.get(i);
        boolean explicitList = seg.endsWith("[]");
        String field = explicitList ? seg.substring(0, seg.length() - 2) : seg;
        JsonNode child = map.get(field);
        boolean missing = child == null || child.isNull();
        if (i == segs.size() - 1) {
            if (missing && !create) {
                return false;
            }
            return visitLast(map, field, missing ? null : child, setter);
        }
        if (missing) {
            if (!create || explicitList) {
                return false;
            }
            child = map.putObject(field);
        }
        return walk(child, segs, i + 1, create, setter);
    }

    private static boolean visitLast(ObjectNode map, String field, JsonNode current, UnaryOperator<JsonNode> setter) {
        JsonNode updated = setter.apply(current);
        if (updated != null) {
            map.set(field, updated);
        }
        return true;
    }

    /** Splits on '/', honouring kustomize's escape {@code \/} for slashes inside a key. */
    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' && i + 1 < path.length() && path.charAt(i + 1) == '/') {
                cur.append('/');
                i++;
            } else if (c == '/') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    static FieldSpec parse(JsonNode n, String file, String field) {
        if (!n.isObject() || !n.path("path").isTextual()) {
            throw new RenderException(file, field, "a field spec needs a 'path'");
        }
        for (var it = n.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!List.of("path", "group", "version", "kind", "create").contains(f)) {
                throw new RenderException(file, field + "." + f, "unsupported field in a field spec");
            }
        }
        return new FieldSpec(n.path("group").asText(""), n.path("version").asText(""), n.path("kind").asText(""),
                n.path("path").asText(), n.path("create").asBoolean(false));
    }

}
