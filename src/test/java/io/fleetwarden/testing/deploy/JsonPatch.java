package io.fleetwarden.testing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6902 {@code add}, {@code replace}, {@code remove} and {@code test}, as kustomize applies a JSON6902 patch.
 * Any other operation, or a path that does not exist, is an error (kustomize fails the build on both too).
 */
final class JsonPatch {

    private JsonPatch() {
    }

    static void apply(ObjectNode target, JsonNode ops, String where) {
        if (!ops.isArray()) {
            throw new IllegalStateException(where + ": a JSON6902 patch must be a list of operations");
        }
        for (JsonNode op : ops) {
            List<String> path = pointer(op.path("path").asText(), where);
            String last = path.get(path.size() - 1);
            JsonNode parent = resolve(target, path.subList(0, path.size() - 1), where);
            switch (op.path("op").asText()) {
                case "add" -> add(parent, last, op.get("value"), where);
                case "replace" -> {
                    child(parent, last, where);
                    set(parent, last, op.get("value"));
                }
                case "remove" -> {
                    child(parent, last, where);
                    if (parent instanceof ObjectNode o) {
                        o.remove(last);
                    } else {
                        ((ArrayNode) parent).remove(Integer.parseInt(last));
                    }
                }
                case "test" -> {
                    if (!child(parent, last, where).equals(op.get("value"))) {
                        throw new IllegalStateException(where + ": test failed at " + op.path("path").asText() + ": "
                                + child(parent, last, where) + " is not " + op.get("value"));
                    }
                }
                default -> throw new IllegalStateException(where + ": unsupported JSON6902 op " + op.path("op"));
            }
        }
    }

    private static void add(JsonNode parent, String last, JsonNode value, String where) {
        if (parent instanceof ArrayNode a) {
            if ("-".equals(last)) {
                a.add(value);
            } else {
                a.insert(Integer.parseInt(last), value);
            }
        } else if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else {
            throw new IllegalStateException(where + ": cannot add below a scalar");
        }
    }

    private static void set(JsonNode parent, String last, JsonNode value) {
        if (parent instanceof ObjectNode o) {
            o.set(last, value);
        } else {
            ((ArrayNode) parent).set(Integer.parseInt(last), value);
        }
    }

    private static JsonNode resolve(JsonNode node, List<String> path, String where) {
        JsonNode current = node;
        for (String token : path) {
            current = child(current, token, where);
        }
        return current;
    }

    private static JsonNode child(JsonNode node, String token, String where) {
        JsonNode next = node.isArray() ? node.get(Integer.parseInt(token)) : node.get(token);
        if (next == null) {
            throw new IllegalStateException(where + ": patch path element " + token + " does not exist");
        }
        return next;
    }

    private static List<String> pointer(String path, String where) {
        if (!path.startsWith("/")) {
            throw new IllegalStateException(where + ": not a JSON pointer: " + path);
        }
        List<String> tokens = new ArrayList<>();
        for (String t : path.substring(1).split("/", -1)) {
            tokens.add(t.replace("~1", "/").replace("~0", "~"));
        }
        return tokens;
    }
}
