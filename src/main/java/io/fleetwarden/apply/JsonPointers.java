package io.fleetwarden.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** RFC 6901 JSON pointers over Jackson trees: parse once, then read, remove or replace (never create parents). */
final class JsonPointers {

    private JsonPointers() {
    }

    /** {@code /spec/containers/0/image} as its unescaped tokens; the empty pointer (the whole object) is refused. */
    static List<String> parse(String pointer, String field) {
        if (pointer.isEmpty() || pointer.equals("/")) {
            throw new IllegalArgumentException(field + ": \"" + pointer + "\" would ignore the whole object; name a field"
                    + " such as /spec/replicas");
        }
        try {
            return List.copyOf(io.fleetwarden.render.JsonPointer.tokens(pointer));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": \"" + pointer + "\" is not a JSON pointer (it starts with /)");
        }
    }

    static Optional<JsonNode> get(JsonNode root, List<String> path) {
        JsonNode at = root;
        for (String token : path) {
            at = child(at, token);
            if (at == null) {
                return Optional.empty();
            }
        }
        return Optional.of(at);
    }

    /** Removes the value at {@code path}; a missing path is no error (as Flux's patch allows). */
    static void remove(JsonNode root, List<String> path) {
        JsonNode parent = parent(root, path);
        String last = path.get(path.size() - 1);
        if (parent instanceof ObjectNode o) {
            o.remove(last);
        } else if (parent instanceof ArrayNode a) {
            int i = index(last, a.size());
            if (i >= 0) {
                a.remove(i);
            }
        }
    }

    /** Replaces the value at an existing {@code path}; a missing one is left as it is. */
    static void set(JsonNode root, List<String> path, JsonNode value) {
        JsonNode parent = parent(root, path);
        String last = path.get(path.size() - 1);
        if (parent instanceof ObjectNode o && o.has(last)) {
            o.set(last, value);
        } else if (parent instanceof ArrayNode a) {
            int i = index(last, a.size());
            if (i >= 0) {
                a.set(i, value);
            }
        }
    }

    private static JsonNode parent(JsonNode root, List<String> path) {
        return get(root, path.subList(0, path.size() - 1)).orElse(null);
    }

    private static JsonNode child(JsonNode node, String token) {
        if (node instanceof ObjectNode o) {
            return o.get(token);
        }
        if (node instanceof ArrayNode a) {
            int i = index(token, a.size());
            return i < 0 ? null : a.get(i);
        }
        return null;
    }

    /** An array index token: digits without a leading zero, within the array; -1 otherwise. */
    private static int index(String token, int size) {
        if (!token.matches("0|[1-9][0-9]{0,8}")) {
            return -1;
        }
        int i = Integer.parseInt(token);
        return i < size ? i : -1;
    }
}
