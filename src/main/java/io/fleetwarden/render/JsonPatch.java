package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * RFC 6902 JSON patches (add, remove, replace, move, copy, test) with RFC 6901 pointers, as kustomize applies
 * them: an operation on a missing parent, or a failed test, fails the build naming the operation.
 */
final class JsonPatch {

    private JsonPatch() {
    }

    /** Checks the shape of a patch document (a list of operations) without applying it. */
    static ArrayNode parse(JsonNode doc, String file) {
        if (!(doc instanceof ArrayNode ops)) {
            throw new RenderException(file, null, "a JSON 6902 patch must be a list of operations");
        }
        int i = 0;
        for (JsonNode op : ops) {
            String field = "[" + i++ + "]";
            String name = op.path("op").asText("");
            if (!List.of("add", "remove", "replace", "move", "copy", "test").contains(name)) {
                throw new RenderException(file, field + ".op", "unknown JSON patch operation '" + name + "'");
            }
            if (!op.path("path").isTextual()) {
                throw new RenderException(file, field + ".path", "missing");
            }
            if (List.of("add", "replace", "test").contains(name) && !op.has("value")) {
                throw new RenderException(file, field + ".value", "missing for op " + name);
            }
            if (List.of("move", "copy").contains(name) && !op.path("from").isTextual()) {
                throw new RenderException(file, field + ".from", "missing for op " + name);
            }
        }
        return ops;
    }

    static ObjectNode apply(ObjectNode target, ArrayNode ops, String file, ResId id) {
        ObjectNode doc = target.deepCopy();
        // kustomize keeps its own internal annotations on every object while it builds, so an object's
        // metadata.annotations always exists when a patch runs: "add /metadata/annotations/x" works on an object
        // without annotations (it does not for labels). An annotations map added here and left empty is dropped.
        ObjectNode added = null;
        if (doc.get("metadata") instanceof ObjectNode meta && !meta.has("annotations")) {
            added = meta.putObject("annotations");
        }
        int i = 0;
        for (JsonNode op : ops) {
            String field = "[" + i++ + "]";
            String path = op.path("path").asText();
            try {
                switch (op.path("op").asText()) {
                    case "add" -> add(doc, path, op.get("value").deepCopy());
                    case "remove" -> remove(doc, path);
                    case "replace" -> {
                        get(doc, path);
                        remove(doc, path);
                        add(doc, path, op.get("value").deepCopy());
                    }
                    case "move" -> {
                        JsonNode v = get(doc, op.path("from").asText());
                        remove(doc, op.path("from").asText());
                        add(doc, path, v);
                    }
                    case "copy" -> add(doc, path, get(doc, op.path("from").asText()).deepCopy());
                    case "test" -> {
                        if (!get(doc, path).equals(op.get("value"))) {
                            throw new IllegalArgumentException("test failed");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown op");
                }
            } catch (IllegalArgumentException e) {
                throw new RenderException(file, field, op.path("op").asText() + " " + path + " on " + id + ": "
                        + e.getMessage());
            }
        }
        if (added != null && doc.get("metadata") instanceof ObjectNode meta && meta.get("annotations") == added
                && added.isEmpty()) {
            meta.remove("annotations");
        }
        return doc;
    }

    private static JsonNode get(JsonNode doc, String pointer) {
        JsonNode cur = doc;
        for (String t : JsonPointer.tokens(pointer)) {
            cur = child(cur, t);
            if (cur == null) {
                throw new IllegalArgumentException("path not found");
            }
        }
        return cur;
    }

    private static JsonNode child(JsonNode node, String token) {
        if (node instanceof ObjectNode o) {
            return o.get(token);
        }
        if (node instanceof ArrayNode a) {
            int idx = index(token, a.size());
            return a.get(idx);
        }
        return null;
    }

    private static JsonNode parent(JsonNode doc, List<String> tokens) {
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("cannot change the whole document");
        }
        JsonNode cur = doc;
        for (String t : tokens.subList(0, tokens.size() - 1)) {
            cur = child(cur, t);
            if (cur == null) {
                throw new IllegalArgumentException("parent path not found");
            }
        }
        return cur;
    }

    private static void add(JsonNode doc, String pointer, JsonNode value) {
        List<String> ts = JsonPointer.tokens(pointer);
        JsonNode parent = parent(doc, ts);
        String last = ts.get(ts.size() - 1);
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            if (last.equals("-")) {
                a.add(value);
            } else {
                a.insert(index(last, a.size() + 1), value);
            }
        } else {
            throw new IllegalArgumentException("parent is not a map or list");
        }
    }

    private static void remove(JsonNode doc, String pointer) {
        List<String> ts = JsonPointer.tokens(pointer);
        JsonNode parent = parent(doc, ts);
        String last = ts.get(ts.size() - 1);
        if (parent instanceof ObjectNode o) {
            if (o.remove(last) == null) {
                throw new IllegalArgumentException("path not found");
            }
        } else if (parent instanceof ArrayNode a) {
            a.remove(index(last, a.size()));
        } else {
            throw new IllegalArgumentException("path not found");
        }
    }

    private static int index(String token, int size) {
        int idx;
        try {
            idx = Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + token + "' is not a list index");
        }
        if (idx < 0 || idx >= size) {
            throw new IllegalArgumentException("list index " + idx + " out of range");
        }
        return idx;
    }
}
