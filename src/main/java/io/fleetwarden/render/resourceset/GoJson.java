package io.fleetwarden.render.resourceset;

import java.util.List;
import java.util.Map;

/** encoding/json's Marshal (and MarshalIndent) for template values: sorted keys, Go's escaping and float format. */
final class GoJson {

    private GoJson() {
    }

    static String marshal(Object v, boolean escapeHtml, String indent) throws Functions.FuncError {
        StringBuilder sb = new StringBuilder();
        write(sb, v, escapeHtml, indent, 0);
        return sb.toString();
    }

    private static void newline(StringBuilder sb, String indent, int level) {
        if (indent != null) {
            sb.append('\n');
            sb.append(indent.repeat(level));
        }
    }

    private static void write(StringBuilder sb, Object v, boolean html, String indent, int level)
            throws Functions.FuncError {
        if (level > GoYaml.MAX_DEPTH) {
            throw new Functions.FuncError("json: nested deeper than " + GoYaml.MAX_DEPTH);
        }
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
            sb.append(v);
        } else if (v instanceof Double d) {
            sb.append(formatFloat(d));
        } else if (v instanceof String s) {
            string(sb, s, html);
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                newline(sb, indent, level + 1);
                write(sb, l.get(i), html, indent, level + 1);
            }
            newline(sb, indent, level);
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : GoYaml.sorted(m).entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                newline(sb, indent, level + 1);
                string(sb, e.getKey(), html);
                sb.append(indent != null ? ": " : ":");
                write(sb, e.getValue(), html, indent, level + 1);
            }
            newline(sb, indent, level);
            sb.append('}');
        } else {
            string(sb, v.toString(), html);
        }
    }

    static String formatFloat(double d) throws Functions.FuncError {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new Functions.FuncError("json: unsupported value: " + GoValues.formatFloat(d, 'g', -1));
        }
        double abs = Math.abs(d);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
            String s = GoValues.formatFloat(d, 'e', -1);
            // clean up e-09 to e-9
            int n = s.length();
            if (n >= 4 && s.charAt(n - 4) == 'e' && s.charAt(n - 3) == '-' && s.charAt(n - 2) == '0') {
                s = s.substring(0, n - 2) + s.charAt(n - 1);
            }
            return s;
        }
        return GoValues.formatFloat(d, 'f', -1);
    }

    private static void string(StringBuilder sb, String s, boolean html) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\u2028' -> sb.append("\\u2028");
                case '\u2029' -> sb.append("\\u2029");
                default -> {
                    if (c < 0x20 || html && (c == '<' || c == '>' || c == '&')) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
