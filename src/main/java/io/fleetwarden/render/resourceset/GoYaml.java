package io.fleetwarden.render.resourceset;

import io.fleetwarden.golang.GoStrconv;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.DumperOptions;

/**
 * YAML as Flux Operator reads and writes it: {@code sigs.k8s.io/yaml} over go-yaml v2 (v2.4). Writing
 * ({@link #marshal}) reproduces the go-yaml v2 emitter for JSON-like trees: keys sorted, 2-space indent,
 * sequences not indented under their key, the emitter's choice of plain, single-quoted, double-quoted or
 * literal style, and its folding of long scalars at 80 columns. Reading ({@link #readDocuments}) resolves plain
 * scalars with go-yaml v2's YAML 1.1 rules and then converts as a JSON round trip through
 * {@code k8s.io/apimachinery/pkg/util/json} does: integers are {@code Long}, other numbers {@code Double}, an
 * integral float becomes a {@code Long}, timestamps stay strings, keys become strings.
 *
 * <p>Values are {@code null}, {@code Boolean}, {@code Long}/{@code Integer}, {@code Double}, {@code String},
 * {@code List<Object>} and {@code Map<String, Object>}.
 */
public final class GoYaml {

    /** go-yaml v2's best_width; scalars longer than this are folded at spaces. */
    static final int BEST_WIDTH = 80;
    static final int MAX_DEPTH = 100;
    static final int MAX_ALIASES = 50;

    private GoYaml() {
    }

    /** A document that cannot be read. */
    public static final class YamlError extends Exception {
        YamlError(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading

    /** Every document of the stream in order; an empty document is {@code null}. */
    public static List<Object> readDocuments(String text, int codePointLimit) throws YamlError {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(Math.max(codePointLimit, 1));
        options.setAllowDuplicateKeys(true);
        Yaml yaml = new Yaml(options);
        List<Object> out = new ArrayList<>();
        try {
            for (Node node : yaml.composeAll(new java.io.StringReader(text))) {
                out.add(node == null ? null : convert(node, 0));
            }
        } catch (YAMLException e) {
            throw new YamlError(oneLine(e.getMessage()));
        }
        return out;
    }

    static String oneLine(String m) {
        if (m == null) {
            return "unreadable YAML";
        }
        return m.replaceAll("\\s*\\n\\s*", " ").trim();
    }

    private static Object convert(Node node, int depth) throws YamlError {
        if (depth > MAX_DEPTH) {
            throw new YamlError("nested deeper than " + MAX_DEPTH + " levels");
        }
        if (node instanceof ScalarNode s) {
            return scalar(s);
        }
        if (node instanceof SequenceNode seq) {
            List<Object> list = new ArrayList<>();
            for (Node item : seq.getValue()) {
                list.add(convert(item, depth + 1));
            }
            return list;
        }
        MappingNode map = (MappingNode) node;
        Map<String, Object> out = new TreeMap<>();
        List<Map<String, Object>> merges = new ArrayList<>();
        for (NodeTuple t : map.getValue()) {
            Node k = t.getKeyNode();
            if (k instanceof ScalarNode ks && ks.isPlain() && "<<".equals(ks.getValue())) {
                Object merged = convert(t.getValueNode(), depth + 1);
                if (merged instanceof Map<?, ?> m) {
                    merges.add(cast(m));
                } else if (merged instanceof List<?> l) {
                    for (Object o : l) {
                        if (!(o instanceof Map<?, ?> m)) {
                            throw new YamlError("map merge requires map or sequence of maps as the value");
                        }
                        merges.add(cast(m));
                    }
                } else {
                    throw new YamlError("map merge requires map or sequence of maps as the value");
                }
                continue;
            }
            Object key = convert(k, depth + 1);
            out.put(keyString(key), convert(t.getValueNode(), depth + 1));
        }
        for (Map<String, Object> m : merges) {
            m.forEach(out::putIfAbsent);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private static String keyString(Object key) throws YamlError {
        if (key instanceof String s) {
            return s;
        }
        if (key == null) {
            return "null";
        }
        if (key instanceof Map<?, ?> || key instanceof List<?>) {
            throw new YamlError("invalid map key: " + GoValues.print(key));
        }
        return GoValues.print(key);
    }

    private static Object scalar(ScalarNode s) throws YamlError {
        String v = s.getValue();
        if (s.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN || Tag.STR.equals(s.getTag()) && s.getValue().isEmpty()) {
            return v;
        }
        return jsonRoundTrip(resolve(v));
    }

    private static final Pattern YAML_FLOAT = Pattern.compile("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
    private static final Pattern TIMESTAMP_PREFIX = Pattern.compile("^[0-9]{4}-.*");
    private static final Pattern TIMESTAMP = Pattern.compile(
            "^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]{1,9})?(Z|[-+][0-9]{2}:[0-9]{2}))"
                    + "|( [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]{1,9})?))?$");

    /** Marker for values go-yaml resolves to a non-string type that JSON cannot carry. */
    private enum Special { NAN, POS_INF, NEG_INF }

    /** go-yaml v2's {@code resolve("", s)} for a plain scalar. */
    static Object resolve(String in) {
        switch (in) {
            case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON":
                return Boolean.TRUE;
            case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF":
                return Boolean.FALSE;
            case "", "~", "null", "Null", "NULL":
                return null;
            case ".nan", ".NaN", ".NAN":
                return Special.NAN;
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF":
                return Special.POS_INF;
            case "-.inf", "-.Inf", "-.INF":
                return Special.NEG_INF;
            default:
                break;
        }
        char c = in.charAt(0);
        if (c == '.') {
            Double d = goParseFloat(in);
            return d == null ? in : d;
        }
        if (c == '+' || c == '-' || (c >= '0' && c <= '9')) {
            if (TIMESTAMP_PREFIX.matcher(in).matches() && TIMESTAMP.matcher(in).matches()) {
                return in; // go-yaml keeps timestamps as strings when decoding into interface{}
            }
            String plain = in.replace("_", "");
            BigInteger i = goParseInt(plain);
            if (i != null) {
                return i;
            }
            if (YAML_FLOAT.matcher(plain).matches()) {
                Double d = goParseFloat(plain);
                if (d != null) {
                    return d;
                }
            }
            if (plain.startsWith("0b") || plain.startsWith("-0b")) {
                boolean neg = plain.startsWith("-");
                String digits = plain.substring(neg ? 3 : 2);
                if (!digits.isEmpty() && digits.matches("[01]+")) {
                    BigInteger b = new BigInteger(digits, 2);
                    return neg ? b.negate() : b;
                }
            }
        }
        return in;
    }

    /** strconv.ParseInt/ParseUint(s, 0, 64): decimal, 0x, 0o, 0b, leading-0 octal; null if not an integer. */
    static BigInteger goParseInt(String s) {
        String t = s;
        boolean neg = false;
        if (t.startsWith("+") || t.startsWith("-")) {
            neg = t.startsWith("-");
            t = t.substring(1);
        }
        if (t.isEmpty()) {
            return null;
        }
        int radix = 10;
        if (t.length() > 1 && t.charAt(0) == '0') {
            char p = Character.toLowerCase(t.charAt(1));
            if (p == 'x') {
                radix = 16;
                t = t.substring(2);
            } else if (p == 'o') {
                radix = 8;
                t = t.substring(2);
            } else if (p == 'b') {
                radix = 2;
                t = t.substring(2);
            } else {
                radix = 8;
                t = t.substring(1);
            }
        }
        final int rdx = radix;
        if (t.isEmpty() || !t.chars().allMatch(ch -> Character.digit(ch, rdx) >= 0)) {
            return null;
        }
        BigInteger v = new BigInteger(t, radix);
        if (neg) {
            v = v.negate();
        }
        if (v.bitLength() > 64 || (v.signum() < 0 && v.bitLength() > 63)) {
            return null;
        }
        return v;
    }

    static Double goParseFloat(String s) {
        if (!s.matches("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?")) {
            return null;
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** What a value becomes after go-yaml → encoding/json → apimachinery json (int64 when integral). */
    private static Object jsonRoundTrip(Object r) throws YamlError {
        if (r instanceof Special) {
            throw new YamlError("json: unsupported value: " + (r == Special.NAN ? "NaN" : r == Special.POS_INF ? "+Inf" : "-Inf"));
        }
        if (r instanceof BigInteger b) {
            if (b.bitLength() <= 63) {
                return b.longValue();
            }
            return b.doubleValue(); // a uint64 beyond int64 becomes a float64 in apimachinery json
        }
        if (r instanceof Double d) {
            if (d.isInfinite() || d.isNaN()) {
                throw new YamlError("json: unsupported value: " + d);
            }
            return integralOrDouble(d);
        }
        return r;
    }

    /** encoding/json writes an integral float without a fraction, which apimachinery reads back as int64. */
    static Object integralOrDouble(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e21) {
            BigDecimal bd = new BigDecimal(d);
            if (bd.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0 && bd.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0) {
                return bd.longValueExact();
            }
        }
        return d;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writing

    /** {@code yaml.Marshal(v)} of sigs.k8s.io/yaml: JSON-like value to go-yaml v2 block YAML, ending in a newline. */
    public static String marshal(Object value) {
        Emitter e = new Emitter();
        e.node(value, -1, Ctx.ROOT);
        if (e.out.length() == 0 || e.out.charAt(e.out.length() - 1) != '\n') {
            e.out.append('\n');
        }
        return e.out.toString();
    }

    private enum Ctx { ROOT, MAP_VALUE, SEQ_ITEM }

    private static final class Emitter {
        final StringBuilder out = new StringBuilder();
        int column;

        void put(String s) {
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                i += Character.charCount(cp);
                if (cp == '\n') {
                    out.append('\n');
                    column = 0;
                } else {
                    out.appendCodePoint(cp);
                    column++;
                }
            }
        }

        void newline() {
            out.append('\n');
            column = 0;
        }

        void indentTo(int indent) {
            while (column < indent) {
                out.append(' ');
                column++;
            }
        }

        /**
         * Emits a node. {@code indent} is the indent of the enclosing collection (-1 at the root); the cursor
         * is just after "key:" (MAP_VALUE), after "- " or at the start of the item (SEQ_ITEM), or at column 0.
         */
        void node(Object v, int indent, Ctx ctx) {
            if (v instanceof Map<?, ?> m && !m.isEmpty()) {
                int mi = indent < 0 ? 0 : indent + 2;
                if (ctx == Ctx.MAP_VALUE) {
                    newline();
                }
                boolean first = true;
                for (Map.Entry<String, Object> e : sorted(m).entrySet()) {
                    if (!(first && ctx == Ctx.SEQ_ITEM)) {
                        if (column > 0) {
                            newline();
                        }
                        indentTo(mi);
                    }
                    first = false;
                    String k = e.getKey();
                    Object val = e.getValue();
                    if (!simpleKey(k)) {
                        // go-yaml writes a multi-line or long (> 128 bytes) key as an explicit "? key" / ": value"
                        put("?");
                        put(" ");
                        stringScalar(k, mi + 2, false);
                        if (column > 0) {
                            newline();
                        }
                        indentTo(mi);
                        put(":");
                        if (val instanceof List<?> l && !l.isEmpty()) {
                            put(" ");
                            sequence(l, mi + 2, false);
                        } else if (val instanceof Map<?, ?> vm && !vm.isEmpty()) {
                            put(" ");
                            node(val, mi, Ctx.SEQ_ITEM);
                        } else {
                            node(val, mi, Ctx.MAP_VALUE);
                        }
                        continue;
                    }
                    key(k, mi);
                    put(":");
                    if (val instanceof List<?> l && !l.isEmpty()) {
                        // A block sequence in a mapping is not indented: its dashes sit at the key's column.
                        newline();
                        sequence(l, mi, true);
                    } else {
                        node(val, mi, Ctx.MAP_VALUE);
                    }
                }
                return;
            }
            if (v instanceof List<?> l && !l.isEmpty()) {
                int si = indent < 0 ? 0 : indent + 2;
                if (ctx == Ctx.MAP_VALUE) {
                    newline();
                }
                sequence(l, si, ctx != Ctx.SEQ_ITEM);
                return;
            }
            // Scalars and empty collections are written after a space (or at the start of the document).
            if (ctx != Ctx.ROOT) {
                put(" ");
            }
            int contentIndent = indent < 0 ? 2 : indent + 2;
            if (v instanceof Map<?, ?>) {
                put("{}");
            } else if (v instanceof List<?>) {
                put("[]");
            } else {
                scalar(v, contentIndent, false);
            }
        }

        /** Items at column {@code si}; the first is written where the cursor is unless {@code newLineFirst}. */
        void sequence(List<?> l, int si, boolean atLineStart) {
            boolean first = true;
            for (Object item : l) {
                if (!first || atLineStart) {
                    if (column > 0) {
                        newline();
                    }
                    indentTo(si);
                }
                first = false;
                put("-");
                if (item instanceof Map<?, ?> m && !m.isEmpty()) {
                    put(" ");
                    node(item, si, Ctx.SEQ_ITEM);
                } else if (item instanceof List<?> inner && !inner.isEmpty()) {
                    put(" ");
                    sequence(inner, si + 2, false);
                } else {
                    node(item, si, Ctx.SEQ_ITEM);
                }
            }
        }

        boolean simpleKey(String k) {
            return !analyze(k).multiline && k.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 128;
        }

        void key(String k, int indent) {
            stringScalar(k, indent, true);
        }

        void scalar(Object v, int indent, boolean simpleKey) {
            if (v == null) {
                put("null");
            } else if (v instanceof Boolean b) {
                put(b ? "true" : "false");
            } else if (v instanceof Long || v instanceof Integer || v instanceof BigInteger) {
                put(v.toString());
            } else if (v instanceof Double d) {
                // sigs.k8s.io/yaml goes through JSON: encoding/json writes an integral float below 1e21 as digits,
                // which go-yaml reads back as an unsigned integer when it fits 64 bits.
                if (d == Math.rint(d) && d >= 0 && d < 1e21
                        && new BigDecimal(d).compareTo(new BigDecimal("18446744073709551615")) <= 0) {
                    put(new BigDecimal(Double.toString(d)).toBigInteger().toString());
                } else {
                    put(GoStrconv.formatFloat(d, 'g', -1));
                }
            } else {
                stringScalar(v.toString(), indent, simpleKey);
            }
        }

        void stringScalar(String s, int indent, boolean simpleKey) {
            Object resolved = s.isEmpty() ? null : resolve(s);
            boolean canUsePlain = resolved instanceof String && !isBase60Float(s) && !isTimestamp(s);
            Style style = s.contains("\n") ? Style.LITERAL : canUsePlain ? Style.PLAIN : Style.DOUBLE;
            Analysis a = analyze(s);
            if (simpleKey && a.multiline) {
                style = Style.DOUBLE;
            }
            if (style == Style.PLAIN) {
                if (!a.blockPlainAllowed || (s.isEmpty() && simpleKey)) {
                    style = Style.SINGLE;
                }
            }
            if (style == Style.SINGLE && !a.singleQuotedAllowed) {
                style = Style.DOUBLE;
            }
            if (style == Style.LITERAL && (!a.blockAllowed || simpleKey)) {
                style = Style.DOUBLE;
            }
            boolean allowBreaks = !simpleKey;
            switch (style) {
                case PLAIN -> writePlain(s, indent, allowBreaks);
                case SINGLE -> writeSingle(s, indent, allowBreaks);
                case DOUBLE -> writeDouble(s, indent, allowBreaks);
                default -> writeLiteral(s, indent);
            }
        }

        void writeIndent(int indent) {
            if (column > indent || column == indent) {
                newline();
            }
            indentTo(indent);
        }

        void writePlain(String s, int indent, boolean allowBreaks) {
            int[] cps = s.codePoints().toArray();
            boolean spaces = false;
            for (int i = 0; i < cps.length; i++) {
                int c = cps[i];
                if (c == ' ') {
                    if (allowBreaks && !spaces && column > BEST_WIDTH && !(i + 1 < cps.length && cps[i + 1] == ' ')) {
                        writeIndent(indent);
                    } else {
                        putCp(c);
                    }
                    spaces = true;
                } else {
                    putCp(c);
                    spaces = false;
                }
            }
        }

        void writeSingle(String s, int indent, boolean allowBreaks) {
            int[] cps = s.codePoints().toArray();
            put("'");
            boolean spaces = false;
            boolean breaks = false;
            for (int i = 0; i < cps.length; i++) {
                int c = cps[i];
                if (c == ' ') {
                    if (allowBreaks && !spaces && column > BEST_WIDTH && i > 0 && i < cps.length - 1
                            && !(cps[i + 1] == ' ')) {
                        writeIndent(indent);
                    } else {
                        putCp(c);
                    }
                    spaces = true;
                } else if (isBreak(c)) {
                    if (!breaks && c == '\n') {
                        newline();
                    }
                    writeBreak(c);
                    breaks = true;
                } else {
                    if (breaks) {
                        indentTo(indent);
                    }
                    if (c == '\'') {
                        putCp('\'');
                    }
                    putCp(c);
                    spaces = false;
                    breaks = false;
                }
            }
            put("'");
        }

        void writeDouble(String s, int indent, boolean allowBreaks) {
            int[] cps = s.codePoints().toArray();
            put("\"");
            boolean spaces = false;
            for (int i = 0; i < cps.length; i++) {
                int c = cps[i];
                if (!isPrintable(c) || c == 0xFEFF || isBreak(c) || c == '"' || c == '\\') {
                    putCp('\\');
                    switch (c) {
                        case 0x00 -> putCp('0');
                        case 0x07 -> putCp('a');
                        case 0x08 -> putCp('b');
                        case 0x09 -> putCp('t');
                        case 0x0A -> putCp('n');
                        case 0x0B -> putCp('v');
                        case 0x0C -> putCp('f');
                        case 0x0D -> putCp('r');
                        case 0x1B -> putCp('e');
                        case 0x22 -> putCp('"');
                        case 0x5C -> putCp('\\');
                        case 0x85 -> putCp('N');
                        case 0xA0 -> putCp('_');
                        case 0x2028 -> putCp('L');
                        case 0x2029 -> putCp('P');
                        default -> {
                            if (c <= 0xFF) {
                                put("x" + hex(c, 2));
                            } else if (c <= 0xFFFF) {
                                put("u" + hex(c, 4));
                            } else {
                                put("U" + hex(c, 8));
                            }
                        }
                    }
                    spaces = false;
                } else if (c == ' ') {
                    if (allowBreaks && !spaces && column > BEST_WIDTH && i > 0 && i < cps.length - 1) {
                        writeIndent(indent);
                        if (cps[i + 1] == ' ') {
                            putCp('\\');
                        }
                    } else {
                        putCp(c);
                    }
                    spaces = true;
                } else {
                    putCp(c);
                    spaces = false;
                }
            }
            put("\"");
        }

        void writeLiteral(String s, int indent) {
            put("|");
            int[] cps = s.codePoints().toArray();
            if (cps.length > 0 && (cps[0] == ' ' || isBreak(cps[0]))) {
                put("2");
            }
            if (cps.length == 0 || !isBreak(cps[cps.length - 1])) {
                put("-");
            } else if (cps.length == 1) {
                put("+");
            } else if (isBreak(cps[cps.length - 2])) {
                put("+");
            }
            newline();
            boolean breaks = true;
            for (int c : cps) {
                if (isBreak(c)) {
                    writeBreak(c);
                    breaks = true;
                } else {
                    if (breaks) {
                        indentTo(indent);
                    }
                    putCp(c);
                    breaks = false;
                }
            }
        }

        /** go-yaml's write_break: a line feed is a new line; another break character is written as it is. */
        void writeBreak(int c) {
            if (c == '\n') {
                newline();
            } else {
                out.appendCodePoint(c);
                column = 0;
            }
        }

        void putCp(int cp) {
            out.appendCodePoint(cp);
            column++;
        }
    }

    private static String hex(int c, int width) {
        String h = Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT);
        return "0".repeat(Math.max(0, width - h.length())) + h;
    }

    private enum Style { PLAIN, SINGLE, DOUBLE, LITERAL }

    private record Analysis(boolean multiline, boolean blockPlainAllowed, boolean singleQuotedAllowed,
            boolean blockAllowed) {
    }

    static boolean isBreak(int c) {
        return c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029;
    }

    /** go-yaml's is_printable, by code point (4-byte UTF-8, i.e. beyond the BMP, is not printable). */
    static boolean isPrintable(int c) {
        return c == 0x0A || (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF);
    }

    private static Analysis analyze(String s) {
        if (s.isEmpty()) {
            return new Analysis(false, true, true, false);
        }
        int[] v = s.codePoints().toArray();
        boolean blockIndicators = false;
        boolean lineBreaks = false;
        boolean special = false;
        boolean leadingSpace = false;
        boolean leadingBreak = false;
        boolean trailingSpace = false;
        boolean trailingBreak = false;
        boolean breakSpace = false;
        boolean spaceBreak = false;
        boolean previousSpace = false;
        boolean previousBreak = false;
        if (s.startsWith("---") || s.startsWith("...")) {
            blockIndicators = true;
        }
        boolean precededByWhitespace = true;
        for (int i = 0; i < v.length; i++) {
            int c = v[i];
            boolean followedByWhitespace = i + 1 >= v.length || v[i + 1] == ' ' || v[i + 1] == '\t'
                    || isBreak(v[i + 1]);
            if (i == 0) {
                switch (c) {
                    case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`' ->
                            blockIndicators = true;
                    case '?', ':' -> blockIndicators |= followedByWhitespace;
                    case '-' -> blockIndicators |= followedByWhitespace;
                    default -> { }
                }
            } else {
                if (c == ':' && followedByWhitespace) {
                    blockIndicators = true;
                }
                if (c == '#' && precededByWhitespace) {
                    blockIndicators = true;
                }
            }
            if (!isPrintable(c)) {
                special = true;
            }
            if (c == ' ') {
                if (i == 0) {
                    leadingSpace = true;
                }
                if (i == v.length - 1) {
                    trailingSpace = true;
                }
                if (previousBreak) {
                    breakSpace = true;
                }
                previousSpace = true;
                previousBreak = false;
            } else if (isBreak(c)) {
                lineBreaks = true;
                if (i == 0) {
                    leadingBreak = true;
                }
                if (i == v.length - 1) {
                    trailingBreak = true;
                }
                if (previousSpace) {
                    spaceBreak = true;
                }
                previousSpace = false;
                previousBreak = true;
            } else {
                previousSpace = false;
                previousBreak = false;
            }
            precededByWhitespace = c == ' ' || c == '\t' || isBreak(c);
        }
        boolean blockPlain = true;
        boolean single = true;
        boolean block = true;
        if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
            blockPlain = false;
        }
        if (trailingSpace) {
            block = false;
        }
        if (breakSpace) {
            blockPlain = false;
            single = false;
        }
        if (spaceBreak || special) {
            blockPlain = false;
            single = false;
            block = false;
        }
        if (lineBreaks) {
            blockPlain = false;
        }
        if (blockIndicators) {
            blockPlain = false;
        }
        return new Analysis(lineBreaks, blockPlain, single, block);
    }

    /** go-yaml v2 resolves these plain scalars to !!timestamp (so it quotes such strings when writing). */
    static boolean isTimestamp(String s) {
        return TIMESTAMP_PREFIX.matcher(s).matches() && TIMESTAMP.matcher(s).matches();
    }

    /** go-yaml v2's isBase60Float: "1:20" would be read as a sexagesimal number by YAML 1.1 parsers. */
    static boolean isBase60Float(String s) {
        if (s.isEmpty()) {
            return false;
        }
        char c = s.charAt(0);
        if (!(c == '+' || c == '-' || (c >= '0' && c <= '9')) || s.indexOf(':') < 0) {
            return false;
        }
        return s.matches("^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?$");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> sorted(Map<?, ?> m) {
        if (m instanceof TreeMap<?, ?> t && t.comparator() == null) {
            return (Map<String, Object>) m;
        }
        Map<String, Object> copy = new TreeMap<>();
        m.forEach((k, val) -> copy.put(String.valueOf(k), val));
        return copy;
    }

    /** A deep copy with every map a {@link LinkedHashMap}-free sorted map (helps equality in tests). */
    static Object normalize(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, val) -> out.put(String.valueOf(k), normalize(val)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(normalize(x)));
            return out;
        }
        return v;
    }

}
