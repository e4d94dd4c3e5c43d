package io.fleetwarden.render.resourceset;

import io.fleetwarden.golang.GoStrconv;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Go's view of the values templates handle. {@code Integer} is Go's {@code int}, {@code Long} is {@code int64},
 * {@code Double} is {@code float64}, {@code List} is {@code []interface {}} and {@code Map} is
 * {@code map[string]interface {}}; {@code null} is a nil interface.
 */
final class GoValues {

    private GoValues() {
    }

    static String typeName(Object v) {
        if (v == null) {
            return "<nil>";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Integer) {
            return "int";
        }
        if (v instanceof Long) {
            return "int64";
        }
        if (v instanceof Double) {
            return "float64";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof StringList) {
            return "[]string";
        }
        if (v instanceof List<?>) {
            return "[]interface {}";
        }
        if (v instanceof StringMap) {
            return "map[string]string";
        }
        if (v instanceof Map<?, ?>) {
            return "map[string]interface {}";
        }
        return v.getClass().getSimpleName();
    }

    /** Marker for a Go []string (sprig's splitList, keys, ...), printed and typed as such. */
    static final class StringList extends java.util.ArrayList<Object> {
        StringList(java.util.Collection<?> c) {
            super(c);
        }
    }

    /** Marker for a Go map[string]string (sprig's split). */
    static final class StringMap extends java.util.TreeMap<String, Object> {
    }

    static boolean isInt(Object v) {
        return v instanceof Integer || v instanceof Long;
    }

    static long toLong(Object v) {
        return ((Number) v).longValue();
    }

    /** text/template's truth: false, 0, nil, and empty strings, slices and maps are false. */
    static boolean truth(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (isInt(v)) {
            return toLong(v) != 0;
        }
        if (v instanceof Double d) {
            return d != 0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    /** fmt's %v. */
    static String print(Object v) {
        StringBuilder sb = new StringBuilder();
        printTo(sb, v);
        return sb.toString();
    }

    private static void printTo(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("<nil>");
        } else if (v instanceof Double d) {
            sb.append(GoStrconv.formatFloat(d, 'g', -1));
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                printTo(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            sb.append("map[");
            boolean first = true;
            for (Map.Entry<String, Object> e : GoYaml.sorted(m).entrySet()) {
                if (!first) {
                    sb.append(' ');
                }
                first = false;
                sb.append(e.getKey()).append(':');
                printTo(sb, e.getValue());
            }
            sb.append(']');
        } else {
            sb.append(v);
        }
    }

    /** strconv.Quote: Go's double-quoted string literal. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 11 -> sb.append("\\v");
                default -> {
                    if (isGoPrintable(cp)) {
                        sb.appendCodePoint(cp);
                    } else if (cp < 0x80) {
                        sb.append(String.format("\\x%02x", cp));
                    } else if (cp < 0x10000) {
                        sb.append(String.format("\\u%04x", cp));
                    } else {
                        sb.append(String.format("\\U%08x", cp));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    static boolean isGoPrintable(int cp) {
        if (cp < 0x20 || cp == 0x7F) {
            return false;
        }
        if (cp < 0x7F) {
            return true;
        }
        int type = Character.getType(cp);
        return cp != 0xFFFD && type != Character.CONTROL && type != Character.FORMAT && type != Character.SURROGATE
                && type != Character.PRIVATE_USE && type != Character.UNASSIGNED && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR && (type != Character.SPACE_SEPARATOR || cp == ' ')
                || cp == 0xFFFD;
    }

    static int byteLength(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    static BigInteger big(Object v) {
        return BigInteger.valueOf(toLong(v));
    }
}
