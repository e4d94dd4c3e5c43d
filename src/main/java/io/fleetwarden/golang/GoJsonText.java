package io.fleetwarden.golang;

/**
 * How Go's {@code encoding/json} writes a string and a float64, for output that must be Go's to the byte: strings
 * with {@code "}, {@code \\} and control characters escaped (and, when HTML escaping is on, as {@code Marshal} has it,
 * {@code <}, {@code >}, {@code &}), U+2028 and U+2029 always; floats in the shortest form, with an exponent only below
 * 1e-6 or from 1e21.
 */
public final class GoJsonText {

    private GoJsonText() {
    }

    public static void quote(StringBuilder sb, String s, boolean escapeHtml) {
        sb.append('"');
        appendEscaped(sb, s, escapeHtml);
        sb.append('"');
    }

    /** The characters of {@code s} as they appear between the quotes. */
    public static void appendEscaped(StringBuilder sb, String s, boolean escapeHtml) {
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
                    if (c < 0x20 || escapeHtml && (c == '<' || c == '>' || c == '&')) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }

    /**
     * {@code json.Marshal} of a float64.
     *
     * @throws IllegalArgumentException for NaN and the infinities, which JSON cannot hold
     */
    public static String float64(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("json: unsupported value: " + GoStrconv.formatFloat(d, 'g', -1));
        }
        double abs = Math.abs(d);
        if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
            String s = GoStrconv.formatFloat(d, 'e', -1);
            // Go cleans up e-09 to e-9
            int n = s.length();
            if (n >= 4 && s.charAt(n - 4) == 'e' && s.charAt(n - 3) == '-' && s.charAt(n - 2) == '0') {
                s = s.substring(0, n - 2) + s.charAt(n - 1);
            }
            return s;
        }
        return GoStrconv.formatFloat(d, 'f', -1);
    }
}
