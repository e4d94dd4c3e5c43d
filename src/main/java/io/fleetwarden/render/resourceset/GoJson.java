package io.fleetwarden.render.resourceset;

import io.fleetwarden.golang.GoJsonText;
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
        try {
            return GoJsonText.float64(d);
        } catch (IllegalArgumentException e) {
            throw new Functions.FuncError(e.getMessage());
        }
    }

    private static void string(StringBuilder sb, String s, boolean html) {
        GoJsonText.quote(sb, s, html);
    }
}
