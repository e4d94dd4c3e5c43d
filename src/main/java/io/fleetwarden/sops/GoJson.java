package io.fleetwarden.sops;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.golang.GoJsonText;
import io.fleetwarden.golang.GoStrconv;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON written as getsops/sops v3.13's JSON store writes a plain file: each value as Go's {@code json.Marshal}
 * writes it (strings with {@code <}, {@code >}, {@code &}, U+2028 and U+2029 escaped; floats in the shortest form,
 * exponent only below 1e-6 or from 1e21), then {@code json.Indent} with a tab, and a final newline. A Secret built
 * from such a file is named by a hash of these bytes, so they must be SOPS's to the byte.
 */
final class GoJson {

    private GoJson() {
    }

    static String write(JsonNode root) throws SopsException {
        StringBuilder out = new StringBuilder();
        value(root, 0, out);
        return out.append('\n').toString();
    }

    private static void value(JsonNode v, int depth, StringBuilder out) throws SopsException {
        if (v.isObject()) {
            if (v.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            Iterator<Map.Entry<String, JsonNode>> fields = v.fields();
            boolean first = true;
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                out.append(first ? "" : ",").append('\n').append("\t".repeat(depth + 1));
                string(e.getKey(), out);
                out.append(": ");
                value(e.getValue(), depth + 1, out);
                first = false;
            }
            out.append('\n').append("\t".repeat(depth)).append('}');
        } else if (v.isArray()) {
            if (v.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            for (int i = 0; i < v.size(); i++) {
                out.append(i == 0 ? "" : ",").append("\n").append("\t".repeat(depth + 1));
                value(v.get(i), depth + 1, out);
            }
            out.append('\n').append("\t".repeat(depth)).append(']');
        } else if (v.isTextual()) {
            string(v.textValue(), out);
        } else if (v.isBinary()) {
            invalidUtf8(((com.fasterxml.jackson.databind.node.BinaryNode) v).binaryValue(), out);
        } else if (v.isNull()) {
            out.append("null");
        } else if (v.isBoolean()) {
            out.append(v.booleanValue());
        } else if (v.isIntegralNumber()) {
            out.append(v.bigIntegerValue());
        } else if (v.isNumber()) {
            out.append(goFloat(v.doubleValue()));
        } else {
            throw new SopsException("a value of type " + v.getNodeType() + " cannot be written as JSON");
        }
    }

    /**
     * Go's {@code strconv.FormatFloat(d, 'G', -1, 64)} as SOPS's {@code ValToString} uses it, with a {@code .0} added
     * where the result would read as an integer.
     */
    static String goFloatG(double d) throws SopsException {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new SopsException("a float that is not finite cannot be written");
        }
        String result = GoStrconv.formatFloat(d, 'g', -1).toUpperCase(java.util.Locale.ROOT);
        return result.contains(".") || result.contains("E") ? result : GoStrconv.formatFloat(d, 'f', 1);
    }

    static String goFloat(double d) throws SopsException {
        try {
            return GoJsonText.float64(d);
        } catch (IllegalArgumentException e) {
            throw new SopsException("a float that is not finite cannot be written as JSON");
        }
    }

    /**
     * A Go string that is not valid UTF-8, as {@code encoding/json} writes it: each byte that does not start a
     * valid sequence becomes {@code \ufffd}, the valid runs are written as strings are.
     */
    private static void invalidUtf8(byte[] bytes, StringBuilder out) {
        out.append('"');
        int i = 0;
        while (i < bytes.length) {
            int n = Utf8.validSequence(bytes, i);
            if (n == 0) {
                out.append("\\ufffd");
                i++;
            } else {
                GoJsonText.appendEscaped(out, new String(bytes, i, n, java.nio.charset.StandardCharsets.UTF_8), true);
                i += n;
            }
        }
        out.append('"');
    }

    static void string(String s, StringBuilder out) {
        GoJsonText.quote(out, s, true);
    }
}
