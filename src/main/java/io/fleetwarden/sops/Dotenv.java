package io.fleetwarden.sops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * SOPS's dotenv store (getsops/sops v3.13): one {@code KEY=value} per line ({@code \n} in a value is a newline),
 * {@code #} lines are comments, empty lines are dropped; the metadata is the {@code sops_}-prefixed keys, flattened
 * ({@code sops_age__list_0__map_enc}). Comments are items too: SOPS encrypts them, and they count for the comment
 * rules.
 */
final class Dotenv {

    /** A line: a comment (key null) or a key and its value. */
    record Item(String key, String comment, JsonNode value) {
    }

    private Dotenv() {
    }

    static List<Item> parse(byte[] data) throws SopsException {
        List<Item> items = new ArrayList<>();
        String text = new String(data, StandardCharsets.UTF_8);
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                items.add(new Item(null, line.substring(1), null));
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new SopsException("invalid dotenv input at line " + n + " (no '=')");
            }
            items.add(new Item(line.substring(0, eq), null,
                    JsonNodeFactory.instance.textNode(line.substring(eq + 1).replace("\\n", "\n"))));
        }
        return items;
    }

    /** The {@code sops_} items as the metadata tree they were flattened from; they are removed from {@code items}. */
    static ObjectNode extractMetadata(List<Item> items) throws SopsException {
        TreeMap<String, JsonNode> flat = new TreeMap<>();
        items.removeIf(i -> {
            if (i.key() != null && i.key().startsWith("sops_")) {
                flat.put(i.key().substring(5), i.value());
                return true;
            }
            return false;
        });
        if (flat.isEmpty()) {
            throw new SopsException("sops metadata not found");
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        for (var e : flat.entrySet()) {
            place(root, e.getKey(), e.getValue());
        }
        return root;
    }

    /** Unflattens one key: {@code __map_} descends into a mapping, {@code __list_N} into the Nth list item. */
    private static void place(ObjectNode root, String key, JsonNode value) throws SopsException {
        String[] parts = key.split("__(?=(map|list)_)", -1);
        JsonNode current = root;
        String field = parts[0];
        for (int i = 1; i <= parts.length; i++) {
            boolean lastPart = i == parts.length;
            String next = lastPart ? null : parts[i];
            JsonNode child;
            if (lastPart) {
                setChild(current, field, value);
                return;
            }
            boolean list = next.startsWith("list_");
            child = getChild(current, field);
            if (child == null) {
                child = list ? JsonNodeFactory.instance.arrayNode() : JsonNodeFactory.instance.objectNode();
                setChild(current, field, child);
            } else if (list != child.isArray()) {
                throw new SopsException("the dotenv sops metadata is malformed (type mismatch at '" + key + "')");
            }
            current = child;
            field = next.substring(list ? 5 : 4);
        }
    }

    private static JsonNode getChild(JsonNode parent, String field) throws SopsException {
        if (parent.isArray()) {
            int index = index(field);
            return index < parent.size() ? parent.get(index) : null;
        }
        return parent.get(field);
    }

    private static void setChild(JsonNode parent, String field, JsonNode value) throws SopsException {
        if (parent.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode a = (com.fasterxml.jackson.databind.node.ArrayNode) parent;
            int index = index(field);
            while (a.size() <= index) {
                a.addNull();
            }
            a.set(index, value);
        } else {
            ((ObjectNode) parent).set(field, value);
        }
    }

    private static int index(String field) throws SopsException {
        try {
            int i = Integer.parseInt(field);
            if (i < 0 || i > 1000) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw new SopsException("the dotenv sops metadata is malformed (list index '" + field + "')");
        }
    }

    /** SOPS's dotenv output: {@code #comment} and {@code KEY=value} lines, newlines in values written as {@code \n}. */
    static byte[] write(List<Item> items) throws SopsException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Item i : items) {
            if (i.key() == null) {
                out.writeBytes(("#" + i.comment() + "\n").getBytes(StandardCharsets.UTF_8));
                continue;
            }
            JsonNode v = i.value();
            if (v != null && v.isContainerNode()) {
                throw new SopsException("cannot use complex value in dotenv file; offending key " + i.key());
            }
            out.writeBytes((i.key() + "=").getBytes(StandardCharsets.UTF_8));
            if (v != null && v.isBinary()) {
                // Not UTF-8: written as the bytes they are, newlines escaped as in a string.
                for (byte b : ((com.fasterxml.jackson.databind.node.BinaryNode) v).binaryValue()) {
                    if (b == '\n') {
                        out.writeBytes(new byte[] {'\\', 'n'});
                    } else {
                        out.write(b);
                    }
                }
            } else {
                out.writeBytes(text(v).getBytes(StandardCharsets.UTF_8));
            }
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Go's {@code fmt} of a value as SOPS's {@code ValToString} writes it (strings with newlines escaped). */
    private static String text(JsonNode v) throws SopsException {
        if (v == null || v.isNull()) {
            return "<nil>";
        }
        if (v.isTextual()) {
            return v.textValue().replace("\n", "\\n");
        }
        if (v.isBoolean() || v.isIntegralNumber()) {
            return v.asText();
        }
        if (v.isNumber()) {
            return GoJson.goFloatG(v.doubleValue());
        }
        throw new SopsException("a " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                + " value cannot be written to a dotenv file by engine mode");
    }
}
