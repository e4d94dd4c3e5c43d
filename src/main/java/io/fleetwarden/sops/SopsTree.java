package io.fleetwarden.sops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Decrypts the values of a document tree in place, walking it as getsops/sops v3.13's {@code Tree.Decrypt} walks
 * its branches: a value's path is the keys above it (list items add none), the rules decide from that path whether it
 * is encrypted, an encrypted value must be a string (an empty one stays empty), nulls are left alone. The values
 * come back with their SOPS types as JSON writes them (Go's {@code encoding/json}: bytes as base64, times in
 * RFC 3339). This tree has no comments (JSON, or YAML read as data), so comment rules see none, as for SOPS's JSON
 * store.
 */
final class SopsTree {

    private final SopsRules rules;
    private final byte[] key;

    SopsTree(SopsRules rules, byte[] key) {
        this.rules = rules;
        this.key = key;
    }

    void decrypt(ObjectNode root) throws SopsException {
        walkObject(root, new ArrayList<>(), new ArrayList<>());
    }

    private void walkObject(ObjectNode node, List<String> path, List<List<String>> comments) throws SopsException {
        List<List<String>> level = push(comments);
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        fields.forEachRemaining(entries::add);
        for (Map.Entry<String, JsonNode> e : entries) {
            List<String> child = new ArrayList<>(path);
            child.add(e.getKey());
            JsonNode replaced = walkValue(e.getValue(), child, level);
            if (replaced != null) {
                node.set(e.getKey(), replaced);
            }
        }
    }

    private void walkArray(ArrayNode node, List<String> path, List<List<String>> comments) throws SopsException {
        List<List<String>> level = push(comments);
        for (int i = 0; i < node.size(); i++) {
            JsonNode replaced = walkValue(node.get(i), path, level);
            if (replaced != null) {
                node.set(i, replaced);
            }
        }
    }

    /** The replacement of a leaf, or null when the node stays (a branch walked in place, a null, a clear value). */
    private JsonNode walkValue(JsonNode value, List<String> path, List<List<String>> comments) throws SopsException {
        if (value.isObject()) {
            walkObject((ObjectNode) value, path, comments);
            return null;
        }
        if (value.isArray()) {
            walkArray((ArrayNode) value, path, comments);
            return null;
        }
        if (value.isNull() || !rules.encrypted(path, comments, false)) {
            return null;
        }
        String where = String.join(":", path) + ":";
        if (!value.isTextual()) {
            throw new SopsException("the value at '" + where + "' should be encrypted (a string) but is a "
                    + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return json(SopsValue.decrypt(value.textValue(), key, where, where), where);
    }

    private static JsonNode json(SopsValue.Plain plain, String where) throws SopsException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (plain instanceof SopsValue.Str s && !s.utf8()) {
            // Not text: kept as bytes, which a binary file is written from as they are.
            return f.binaryNode(s.bytes());
        } else if (plain instanceof SopsValue.Int i) {
            return f.numberNode(i.value());
        } else if (plain instanceof SopsValue.Float d) {
            return f.numberNode(d.value());
        } else if (plain instanceof SopsValue.Bool b) {
            return f.booleanNode(b.value());
        } else if (plain instanceof SopsValue.Bytes b) {
            return f.textNode(Base64.getEncoder().encodeToString(b.value()));
        } else if (plain instanceof SopsValue.Time t) {
            return f.textNode(GoNumbers.formatTime(t.value()));
        } else if (plain instanceof SopsValue.Comment) {
            throw new SopsException("the value at '" + where + "' is a comment, which a JSON document cannot hold");
        }
        return f.textNode(plain.text());
    }

    private static List<List<String>> push(List<List<String>> comments) {
        List<List<String>> level = new ArrayList<>(comments);
        level.add(List.of());
        return level;
    }
}
