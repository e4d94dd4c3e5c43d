package io.fleetwarden.render.resourceset;

import io.fleetwarden.golang.GoStrconv;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** fmt.Sprintf for the verbs templates use: %v %s %d %q %x %X %o %b %f %e %g %t %c %T %% with flags, width, precision. */
final class GoFmt {

    private GoFmt() {
    }

    static String sprintf(String format, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int argi = 0;
        int n = format.length();
        for (int i = 0; i < n; ) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            i++;
            if (i >= n) {
                out.append("%!(NOVERB)");
                break;
            }
            boolean minus = false;
            boolean plus = false;
            boolean sharp = false;
            boolean zero = false;
            boolean space = false;
            for (; i < n; i++) {
                char f = format.charAt(i);
                if (f == '-') {
                    minus = true;
                } else if (f == '+') {
                    plus = true;
                } else if (f == '#') {
                    sharp = true;
                } else if (f == '0') {
                    zero = true;
                } else if (f == ' ') {
                    space = true;
                } else {
                    break;
                }
            }
            int width = -1;
            int start = i;
            while (i < n && Character.isDigit(format.charAt(i))) {
                i++;
            }
            if (i > start) {
                width = Integer.parseInt(format.substring(start, i));
            }
            int prec = -1;
            if (i < n && format.charAt(i) == '.') {
                i++;
                start = i;
                while (i < n && Character.isDigit(format.charAt(i))) {
                    i++;
                }
                prec = i > start ? Integer.parseInt(format.substring(start, i)) : 0;
            }
            if (i >= n) {
                out.append("%!(NOVERB)");
                break;
            }
            int verb = format.codePointAt(i);
            i += Character.charCount(verb);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (argi >= args.size()) {
                out.append("%!").appendCodePoint(verb).append("(MISSING)");
                continue;
            }
            Object arg = args.get(argi++);
            Spec spec = new Spec(minus, plus, sharp, zero && !minus, space, width, prec);
            out.append(formatOne(verb, arg, spec));
        }
        if (argi < args.size()) {
            out.append("%!(EXTRA ");
            for (int k = argi; k < args.size(); k++) {
                if (k > argi) {
                    out.append(", ");
                }
                Object a = args.get(k);
                out.append(GoValues.typeName(a)).append('=').append(GoValues.print(a));
            }
            out.append(')');
        }
        return out.toString();
    }

    record Spec(boolean minus, boolean plus, boolean sharp, boolean zero, boolean space, int width, int prec) {
    }

    static String formatOne(int verb, Object arg, Spec spec) {
        if (verb == 'T') {
            return pad(GoValues.typeName(arg), spec, false);
        }
        if (arg == null) {
            if (verb == 'v') {
                return pad("<nil>", spec, false);
            }
            return "%!" + new String(Character.toChars(verb)) + "(<nil>)";
        }
        if (arg instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int k = 0; k < l.size(); k++) {
                if (k > 0) {
                    sb.append(' ');
                }
                sb.append(formatOne(verb, l.get(k), spec));
            }
            return sb.append(']').toString();
        }
        if (arg instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("map[");
            boolean first = true;
            for (Map.Entry<String, Object> e : GoYaml.sorted(m).entrySet()) {
                if (!first) {
                    sb.append(' ');
                }
                first = false;
                sb.append(formatOne(verb, e.getKey(), spec)).append(':').append(formatOne(verb, e.getValue(), spec));
            }
            return sb.append(']').toString();
        }
        if (arg instanceof String s) {
            switch (verb) {
                case 'v', 's' -> {
                    String t = spec.prec >= 0 ? truncateRunes(s, spec.prec) : s;
                    return pad(t, spec, false);
                }
                case 'q' -> {
                    String t = spec.prec >= 0 ? truncateRunes(s, spec.prec) : s;
                    if (spec.sharp && !t.contains("`")) {
                        return pad("`" + t + "`", spec, false);
                    }
                    return pad(GoValues.quote(t), spec, false);
                }
                case 'x', 'X' -> {
                    StringBuilder sb = new StringBuilder();
                    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
                        sb.append(String.format(verb == 'x' ? "%02x" : "%02X", b & 0xFF));
                    }
                    return pad(sb.toString(), spec, false);
                }
                default -> {
                    return bad(verb, arg);
                }
            }
        }
        if (arg instanceof Boolean b) {
            if (verb == 'v' || verb == 't') {
                return pad(b.toString(), spec, false);
            }
            return bad(verb, arg);
        }
        if (GoValues.isInt(arg)) {
            long v = GoValues.toLong(arg);
            switch (verb) {
                case 'v', 'd' -> {
                    return integer(Long.toString(Math.abs(v)), v < 0, spec);
                }
                case 'x' -> {
                    return integer((spec.sharp ? "0x" : "") + Long.toHexString(Math.abs(v)), v < 0, spec);
                }
                case 'X' -> {
                    return integer((spec.sharp ? "0X" : "") + Long.toHexString(Math.abs(v)).toUpperCase(), v < 0, spec);
                }
                case 'o' -> {
                    return integer((spec.sharp ? "0" : "") + Long.toOctalString(Math.abs(v)), v < 0, spec);
                }
                case 'b' -> {
                    return integer(Long.toBinaryString(Math.abs(v)), v < 0, spec);
                }
                case 'c' -> {
                    return pad(new String(Character.toChars((int) v)), spec, false);
                }
                case 'q' -> {
                    return pad("'" + new String(Character.toChars((int) v)) + "'", spec, false);
                }
                case 'e', 'f', 'g' -> {
                    return bad(verb, arg);
                }
                default -> {
                    return bad(verb, arg);
                }
            }
        }
        if (arg instanceof Double d) {
            String body;
            switch (verb) {
                case 'v', 'g' -> body = GoStrconv.formatFloat(Math.abs(d), 'g', spec.prec);
                case 'f', 'F' -> body = GoStrconv.formatFloat(Math.abs(d), 'f', spec.prec < 0 ? 6 : spec.prec);
                case 'e' -> body = GoStrconv.formatFloat(Math.abs(d), 'e', spec.prec < 0 ? 6 : spec.prec);
                default -> {
                    return bad(verb, arg);
                }
            }
            boolean neg = d < 0 || (d == 0 && 1 / d < 0);
            return integer(body, neg, new Spec(spec.minus, spec.plus, spec.sharp, spec.zero, spec.space, spec.width, -1));
        }
        return pad(GoValues.print(arg), spec, false);
    }

    private static String bad(int verb, Object arg) {
        return "%!" + new String(Character.toChars(verb)) + "(" + GoValues.typeName(arg) + "=" + GoValues.print(arg) + ")";
    }

    private static String integer(String digits, boolean neg, Spec spec) {
        String sign = neg ? "-" : spec.plus ? "+" : spec.space ? " " : "";
        if (spec.prec >= 0 && digits.length() < spec.prec) {
            digits = "0".repeat(spec.prec - digits.length()) + digits;
        }
        if (spec.zero && spec.width > 0 && spec.prec < 0) {
            int len = sign.length() + digits.length();
            if (len < spec.width) {
                digits = "0".repeat(spec.width - len) + digits;
            }
        }
        return pad(sign + digits, spec, true);
    }

    private static String pad(String s, Spec spec, boolean numeric) {
        int len = s.codePointCount(0, s.length());
        if (spec.width <= len) {
            return s;
        }
        String fill = (spec.zero && !numeric ? "0" : " ").repeat(spec.width - len);
        return spec.minus ? s + " ".repeat(spec.width - len) : fill + s;
    }

    private static String truncateRunes(String s, int n) {
        int count = s.codePointCount(0, s.length());
        if (count <= n) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, n));
    }
}
