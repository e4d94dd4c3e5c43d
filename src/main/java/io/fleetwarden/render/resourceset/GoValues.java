package io.fleetwarden.render.resourceset;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
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
            sb.append(formatFloat(d, 'g', -1));
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

    /** strconv.FormatFloat(f, fmt, prec, 64) for fmt in e, f, g; prec -1 is the shortest representation. */
    static String formatFloat(double f, char fmt, int prec) {
        if (Double.isNaN(f)) {
            return "NaN";
        }
        if (Double.isInfinite(f)) {
            return f > 0 ? "+Inf" : "-Inf";
        }
        boolean neg = f < 0 || (f == 0 && 1 / f < 0);
        double a = Math.abs(f);
        BigDecimal bd;
        if (a == 0) {
            bd = BigDecimal.ZERO;
        } else if (prec < 0) {
            bd = new BigDecimal(Double.toString(a)).stripTrailingZeros();
        } else {
            bd = new BigDecimal(a);
        }
        String body;
        switch (fmt) {
            case 'f' -> {
                if (prec < 0) {
                    body = bd.toPlainString();
                } else {
                    body = bd.setScale(prec, java.math.RoundingMode.HALF_EVEN).toPlainString();
                }
            }
            case 'e' -> body = formatE(bd, prec < 0 ? -1 : prec);
            default -> {
                // 'g'
                int digits;
                BigDecimal r = bd;
                if (prec < 0) {
                    digits = a == 0 ? 1 : bd.precision();
                } else {
                    int p = prec == 0 ? 1 : prec;
                    r = a == 0 ? bd : bd.round(new MathContext(p, java.math.RoundingMode.HALF_EVEN));
                    r = r.stripTrailingZeros();
                    digits = a == 0 ? 1 : r.precision();
                }
                int exp = a == 0 ? 0 : r.precision() - r.scale() - 1;
                int eprec = prec < 0 ? 6 : (prec == 0 ? 1 : prec);
                if (prec >= 0 && eprec > digits && digits >= exp + 1) {
                    eprec = digits;
                }
                if (exp < -4 || exp >= eprec) {
                    body = formatE(r, digits - 1);
                } else {
                    body = a == 0 ? "0" : r.toPlainString();
                }
            }
        }
        return (neg ? "-" : "") + body;
    }

    private static String formatE(BigDecimal bd, int fracDigits) {
        if (bd.signum() == 0) {
            return (fracDigits > 0 ? "0." + "0".repeat(fracDigits) : "0") + "e+00";
        }
        BigDecimal r = bd;
        if (fracDigits >= 0) {
            r = bd.round(new MathContext(fracDigits + 1, java.math.RoundingMode.HALF_EVEN));
        } else {
            r = bd.stripTrailingZeros();
            fracDigits = r.precision() - 1;
        }
        int exp = r.precision() - r.scale() - 1;
        String digits = r.unscaledValue().abs().toString();
        while (digits.length() < fracDigits + 1) {
            digits = digits + "0";
        }
        digits = digits.substring(0, fracDigits + 1);
        String mant = fracDigits > 0 ? digits.charAt(0) + "." + digits.substring(1) : digits.substring(0, 1);
        String es = Integer.toString(Math.abs(exp));
        if (es.length() < 2) {
            es = "0" + es;
        }
        return mant + "e" + (exp < 0 ? "-" : "+") + es;
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
