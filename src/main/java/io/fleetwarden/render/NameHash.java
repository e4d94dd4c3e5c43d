package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.golang.GoJsonText;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * kustomize's content hash for generated names (api/hasher): SHA-256 of Go's {@code json.Marshal} of
 * {kind, name: "", data[, binaryData]} for a ConfigMap and {kind, type, name: "", data[, stringData]} for a Secret,
 * the first ten hex digits with 0,1,3,a,e mapped to g,h,k,m,t. Go's encoder sorts map keys and escapes
 * {@code <>&}, U+2028 and U+2029, which {@link #goJson} reproduces so that the names match byte for byte.
 */
final class NameHash {

    private NameHash() {
    }

    static String of(ObjectNode object) {
        Map<String, Object> m = new TreeMap<>();
        String kind = object.path("kind").asText();
        // kustomize looks the name up as the single key "metadata/name", which never exists: the name it hashes is
        // always "" (api/hasher getNodeValues). Reproduced, or every generated name would differ.
        m.put("name", "");
        m.put("data", valueAt(object, "data"));
        if (kind.equals("ConfigMap")) {
            m.put("kind", "ConfigMap");
            if (object.path("binaryData").isObject()) {
                m.put("binaryData", valueAt(object, "binaryData"));
            }
        } else if (kind.equals("Secret")) {
            m.put("kind", "Secret");
            m.put("type", valueAt(object, "type"));
            if (object.path("stringData").isObject()) {
                m.put("stringData", valueAt(object, "stringData"));
            }
        } else {
            throw new IllegalArgumentException("only ConfigMaps and Secrets get hashed names: " + kind);
        }
        return encode(sha256Hex(goJson(m)));
    }

    /** The value at a top-level field: "" when missing, as kustomize's getNodeValues. */
    private static Object valueAt(ObjectNode object, String field) {
        JsonNode n = object.get(field);
        if (n == null || n.isNull()) {
            return "";
        }
        if (n.isObject()) {
            Map<String, Object> map = new TreeMap<>();
            n.fields().forEachRemaining(e -> map.put(e.getKey(), plain(e.getValue())));
            return map;
        }
        return n.asText();
    }

    private static Object plain(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> map = new TreeMap<>();
            n.fields().forEachRemaining(e -> map.put(e.getKey(), plain(e.getValue())));
            return map;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(plain(x)));
            return l;
        }
        if (n.isNull()) {
            return null;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isNumber()) {
            return n.numberValue();
        }
        return n.asText();
    }

    static String encode(String hex) {
        char[] c = hex.substring(0, 10).toCharArray();
        for (int i = 0; i < c.length; i++) {
            c[i] = switch (c[i]) {
                case '0' -> 'g';
                case '1' -> 'h';
                case '3' -> 'k';
                case 'a' -> 'm';
                case 'e' -> 't';
                default -> c[i];
            };
        }
        return new String(c);
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static String goJson(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v);
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (var e : new TreeMap<>((Map<String, Object>) map).entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                string(sb, e.getKey());
                sb.append(':');
                write(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                write(sb, list.get(i));
            }
            sb.append(']');
        } else if (v instanceof String s) {
            string(sb, s);
        } else {
            sb.append(v);
        }
    }

    /** As Go's {@code json.Marshal}, which kustomize hashes: {@code \b} and {@code \f} as such since Go 1.22. */
    private static void string(StringBuilder sb, String s) {
        GoJsonText.quote(sb, s, true);
    }
}
