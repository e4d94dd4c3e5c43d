package io.fleetwarden.sops;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
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
     * Go's {@code strconv.FormatFloat(d, 'G', -1, 64)} as SOPS's {@code ValToString} uses it: the shortest digits,
     * {@code E} notation when the decimal exponent is below -4 or 6 and above (Go decides the shortest form as if
     * the precision were 6), and a {@code .0} added where the result would read as an integer.
     */
    static String goFloatG(double d) throws SopsException {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new SopsException("a float that is not finite cannot be written");
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String unscaled = shortest.unscaledValue().abs().toString();
        int exponent = unscaled.length() - 1 - shortest.scale();
        String result;
        if (exponent < -4 || exponent >= 6) {
            String mantissa = unscaled.length() == 1 ? unscaled : unscaled.charAt(0) + "." + unscaled.substring(1);
            result = (d < 0 ? "-" : "") + mantissa + "E" + (exponent < 0 ? "-" : "+")
                    + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        } else {
            result = shortest.toPlainString();
        }
        return result.contains(".") || result.contains("E") ? result : result + ".0";
    }

    /** Go's {@code encoding/json} float64: 'f' format, or 'e' with a short exponent outside [1e-6, 1e21). */
    static String goFloat(double d) throws SopsException {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new SopsException("a float that is not finite cannot be written as JSON");
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        double abs = Math.abs(d);
        if (abs < 1e-6 || abs >= 1e21) {
            String unscaled = shortest.unscaledValue().abs().toString();
            int exponent = unscaled.length() - 1 - shortest.scale();
            String mantissa = unscaled.length() == 1 ? unscaled : unscaled.charAt(0) + "." + unscaled.substring(1);
            return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.abs(exponent);
        }
        return shortest.toPlainString();
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
                escape(new String(bytes, i, n, java.nio.charset.StandardCharsets.UTF_8), out);
                i += n;
            }
        }
        out.append('"');
    }

    static void string(String s, StringBuilder out) {
        out.append('"');
        escape(s, out);
        out.append('"');
    }

    private static void escape(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
