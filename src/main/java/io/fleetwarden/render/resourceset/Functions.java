package io.fleetwarden.render.resourceset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.fleetwarden.golang.GoStrconv;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.Adler32;

/**
 * The functions a ResourceSet template may call: Go's text/template builtins, the slim-sprig functions Flux
 * Operator registers ({@code sprig.HermeticTxtFuncMap()}), and Flux Operator's {@code slugify}, {@code toYaml},
 * {@code mustToYaml} and {@code inputs}. Each function declares its Go parameter types, so a value of the wrong
 * type is refused as text/template refuses it. Functions slim-sprig offers but that depend on the clock or are
 * not worth emulating are refused by name ({@link #UNSUPPORTED}); the non-hermetic ones Flux Operator removes
 * are undefined, as there.
 */
final class Functions {

    /** Go parameter types. */
    enum P {
        ANY("interface {}"), RVALUE("reflect.Value"), STRING("string"), INT("int"), INT64("int64"), FLOAT("float64"), BOOL("bool"),
        MAP("map[string]interface {}"), LIST("[]interface {}");

        final String goName;

        P(String goName) {
            this.goName = goName;
        }
    }

    /** An error a function returns (text/template reports it as "error calling NAME: ..."). */
    static final class FuncError extends Exception {
        FuncError(String message) {
            super(message, null, false, false);
        }
    }

    @FunctionalInterface
    interface Impl {
        Object call(List<Object> a) throws FuncError, TemplateException;
    }

    record Func(P[] params, P variadic, Impl impl) {
    }

    /** Offered by slim-sprig (so by Flux Operator) but not by fleetwarden: a clear error names them. */
    static final Set<String> UNSUPPORTED = Set.of("ago", "toDate", "mustToDate", "unixEpoch", "duration",
            "durationRound", "must_date_modify", "mustDateModify", "randInt");

    /** Removed by Flux Operator as non-hermetic (sprig's list). */
    static final Set<String> NON_HERMETIC = Set.of("date", "date_in_zone", "date_modify", "now", "htmlDate",
            "htmlDateInZone", "dateInZone", "dateModify", "randAlphaNum", "randAlpha", "randAscii", "randNumeric",
            "randBytes", "uuidv4", "env", "expandenv", "getHostByName");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Func> funcs = new HashMap<>();

    Functions(Object inputSet) {
        builtins();
        sprig();
        def("slugify", f(Functions::slugify), P.STRING);
        def("toYaml", a -> {
            try {
                return toYaml(a.get(0));
            } catch (FuncError e) {
                return "";
            }
        }, P.ANY);
        def("mustToYaml", a -> toYaml(a.get(0)), P.ANY);
        def("inputs", a -> inputSet);
    }

    boolean has(String name) {
        return funcs.containsKey(name);
    }

    Func get(String name) {
        return funcs.get(name);
    }

    String unsupportedMessage(String name) {
        if (UNSUPPORTED.contains(name)) {
            return "function \"" + name + "\" is not supported by fleetwarden (Flux Operator's slim-sprig has it; see "
                    + "docs/resourceset.md)";
        }
        if (NON_HERMETIC.contains(name)) {
            return "function \"" + name + "\" not defined (Flux Operator removes the non-hermetic sprig functions)";
        }
        return "function \"" + name + "\" not defined";
    }

    private void def(String name, Impl impl, P... params) {
        funcs.put(name, new Func(params, null, impl));
    }

    private void defv(String name, Impl impl, P variadic, P... params) {
        funcs.put(name, new Func(params, variadic, impl));
    }

    private interface F1 {
        Object apply(String s) throws FuncError;
    }

    private static Impl f(F1 fn) {
        return a -> fn.apply((String) a.get(0));
    }

    private static String s(List<Object> a, int i) {
        return (String) a.get(i);
    }

    private static int i(List<Object> a, int i) {
        return (Integer) a.get(i);
    }

    // ------------------------------------------------------------------------------------------------ builtins

    private void builtins() {
        defv("and", a -> null, P.RVALUE, P.RVALUE);
        defv("or", a -> null, P.RVALUE, P.RVALUE);
        def("not", a -> !GoValues.truth(a.get(0)), P.RVALUE);
        def("len", a -> {
            Object v = a.get(0);
            if (v instanceof String str) {
                return GoValues.byteLength(str);
            }
            if (v instanceof List<?> l) {
                return l.size();
            }
            if (v instanceof Map<?, ?> m) {
                return m.size();
            }
            if (v == null) {
                throw new FuncError("len of nil pointer");
            }
            throw new FuncError("len of type " + GoValues.typeName(v));
        }, P.RVALUE);
        defv("index", a -> {
            Object item = a.get(0);
            for (int k = 1; k < a.size(); k++) {
                item = indexOne(item, a.get(k));
            }
            return item;
        }, P.RVALUE, P.RVALUE);
        defv("print", a -> sprint(a), P.ANY);
        defv("println", a -> {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < a.size(); k++) {
                if (k > 0) {
                    sb.append(' ');
                }
                sb.append(GoValues.print(a.get(k)));
            }
            return sb.append('\n').toString();
        }, P.ANY);
        defv("printf", a -> GoFmt.sprintf(s(a, 0), a.subList(1, a.size())), P.ANY, P.STRING);
        defv("eq", a -> {
            if (a.size() < 2) {
                throw new FuncError("missing argument for comparison");
            }
            for (int k = 1; k < a.size(); k++) {
                if (equal(a.get(0), a.get(k))) {
                    return true;
                }
            }
            return false;
        }, P.RVALUE, P.RVALUE);
        def("ne", a -> !equal(a.get(0), a.get(1)), P.RVALUE, P.RVALUE);
        def("lt", a -> compare(a.get(0), a.get(1)) < 0, P.RVALUE, P.RVALUE);
        def("le", a -> compare(a.get(0), a.get(1)) <= 0, P.RVALUE, P.RVALUE);
        def("gt", a -> compare(a.get(0), a.get(1)) > 0, P.RVALUE, P.RVALUE);
        def("ge", a -> compare(a.get(0), a.get(1)) >= 0, P.RVALUE, P.RVALUE);
        defv("html", a -> htmlEscape(evalArgs(a)), P.ANY);
        defv("js", a -> jsEscape(evalArgs(a)), P.ANY);
        defv("urlquery", a -> queryEscape(evalArgs(a)), P.ANY);
        defv("call", a -> {
            throw new FuncError("non-function of type " + GoValues.typeName(a.get(0)));
        }, P.RVALUE, P.RVALUE);
    }

    private static String evalArgs(List<Object> a) {
        if (a.size() == 1 && a.get(0) instanceof String str) {
            return str;
        }
        return sprint(a);
    }

    /** fmt.Sprint: a space between operands when neither is a string. */
    static String sprint(List<Object> a) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < a.size(); k++) {
            if (k > 0 && !(a.get(k) instanceof String) && !(a.get(k - 1) instanceof String)) {
                sb.append(' ');
            }
            sb.append(GoValues.print(a.get(k)));
        }
        return sb.toString();
    }

    private static Object indexOne(Object item, Object idx) throws FuncError {
        if (item == null) {
            throw new FuncError("index of untyped nil");
        }
        if (item instanceof List<?> l) {
            if (!GoValues.isInt(idx)) {
                throw new FuncError("cannot index slice/array with type " + GoValues.typeName(idx));
            }
            long x = GoValues.toLong(idx);
            if (x < 0 || x >= l.size()) {
                throw new FuncError("index out of range: " + x);
            }
            return l.get((int) x);
        }
        if (item instanceof Map<?, ?> m) {
            if (!(idx instanceof String)) {
                if (idx == null) {
                    throw new FuncError("value is nil; should be of type string");
                }
                throw new FuncError("value has type " + GoValues.typeName(idx) + "; should be string");
            }
            return m.get(idx);
        }
        if (item instanceof String str) {
            if (!GoValues.isInt(idx)) {
                throw new FuncError("cannot index slice/array with type " + GoValues.typeName(idx));
            }
            byte[] b = str.getBytes(StandardCharsets.UTF_8);
            long x = GoValues.toLong(idx);
            if (x < 0 || x >= b.length) {
                throw new FuncError("index out of range: " + x);
            }
            return b[(int) x] & 0xFF;
        }
        throw new FuncError("can't index item of type " + GoValues.typeName(item));
    }

    private enum Kind { INVALID, BOOL, INT, FLOAT, STRING, OTHER }

    private static Kind kind(Object v) {
        if (v == null) {
            return Kind.INVALID;
        }
        if (v instanceof Boolean) {
            return Kind.BOOL;
        }
        if (GoValues.isInt(v)) {
            return Kind.INT;
        }
        if (v instanceof Double) {
            return Kind.FLOAT;
        }
        if (v instanceof String) {
            return Kind.STRING;
        }
        return Kind.OTHER;
    }

    /** text/template's eq for one pair. */
    static boolean equal(Object a, Object b) throws FuncError {
        Kind k1 = kind(a);
        Kind k2 = kind(b);
        if (k1 != k2) {
            if (a != null && b != null) {
                throw new FuncError("incompatible types for comparison");
            }
            return false;
        }
        switch (k1) {
            case INVALID:
                return true;
            case BOOL:
            case STRING:
                return a.equals(b);
            case INT:
                return GoValues.toLong(a) == GoValues.toLong(b);
            case FLOAT:
                return ((Double) a).doubleValue() == ((Double) b).doubleValue();
            default:
                if (a instanceof List<?> || a instanceof Map<?, ?>) {
                    throw new FuncError("non-comparable type " + GoValues.print(a) + ": " + GoValues.typeName(a));
                }
                return a.equals(b);
        }
    }

    static int compare(Object a, Object b) throws FuncError {
        Kind k1 = kind(a);
        Kind k2 = kind(b);
        if (k1 == Kind.INVALID || k1 == Kind.OTHER || k2 == Kind.INVALID || k2 == Kind.OTHER) {
            throw new FuncError("invalid type for comparison");
        }
        if (k1 != k2) {
            throw new FuncError("incompatible types for comparison");
        }
        switch (k1) {
            case INT:
                return Long.compare(GoValues.toLong(a), GoValues.toLong(b));
            case FLOAT:
                return Double.compare((Double) a, (Double) b);
            case STRING:
                return compareBytes((String) a, (String) b);
            default:
                throw new FuncError("invalid type for comparison");
        }
    }

    private static int compareBytes(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.compareUnsigned(x, y);
    }

    private static String htmlEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("&#34;");
                case '\'' -> sb.append("&#39;");
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case 0 -> sb.append("\uFFFD");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String jsEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                case '"' -> sb.append("\\\"");
                case '<' -> sb.append("\\u003C");
                case '>' -> sb.append("\\u003E");
                case '&' -> sb.append("\\u0026");
                case '=' -> sb.append("\\u003D");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < ' ') {
                        sb.append(String.format("\\u%04X", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------------ sprig

    private void sprig() {
        def("hello", a -> "Hello!");
        // strings
        def("trunc", a -> {
            String str = s(a, 1);
            byte[] b = str.getBytes(StandardCharsets.UTF_8);
            int c = i(a, 0);
            if (c < 0 && b.length + c > 0) {
                return new String(b, b.length + c, -c, StandardCharsets.UTF_8);
            }
            if (c >= 0 && b.length > c) {
                return new String(b, 0, c, StandardCharsets.UTF_8);
            }
            return str;
        }, P.INT, P.STRING);
        def("trim", a -> s(a, 0).strip(), P.STRING);
        def("upper", a -> s(a, 0).toUpperCase(java.util.Locale.ROOT), P.STRING);
        def("lower", a -> s(a, 0).toLowerCase(java.util.Locale.ROOT), P.STRING);
        def("title", a -> title(s(a, 0)), P.STRING);
        def("substr", a -> {
            String str = s(a, 2);
            int start = i(a, 0);
            int end = i(a, 1);
            byte[] b = str.getBytes(StandardCharsets.UTF_8);
            try {
                if (start < 0) {
                    return new String(b, 0, end, StandardCharsets.UTF_8);
                }
                if (end < 0 || end > b.length) {
                    return new String(b, start, b.length - start, StandardCharsets.UTF_8);
                }
                return new String(b, start, end - start, StandardCharsets.UTF_8);
            } catch (IndexOutOfBoundsException e) {
                throw new FuncError("slice bounds out of range");
            }
        }, P.INT, P.INT, P.STRING);
        def("repeat", a -> {
            if (i(a, 0) < 0) {
                throw new FuncError("strings: negative Repeat count");
            }
            if ((long) i(a, 0) * s(a, 1).length() > GoTemplate.MAX_OUTPUT_CHARS) {
                throw new FuncError("repeat result larger than " + GoTemplate.MAX_OUTPUT_CHARS + " characters");
            }
            return s(a, 1).repeat(i(a, 0));
        }, P.INT, P.STRING);
        def("trimall", a -> trimSet(s(a, 1), s(a, 0)), P.STRING, P.STRING);
        def("trimAll", a -> trimSet(s(a, 1), s(a, 0)), P.STRING, P.STRING);
        def("trimSuffix", a -> s(a, 1).endsWith(s(a, 0)) ? s(a, 1).substring(0, s(a, 1).length() - s(a, 0).length())
                : s(a, 1), P.STRING, P.STRING);
        def("trimPrefix", a -> s(a, 1).startsWith(s(a, 0)) ? s(a, 1).substring(s(a, 0).length()) : s(a, 1),
                P.STRING, P.STRING);
        def("contains", a -> s(a, 1).contains(s(a, 0)), P.STRING, P.STRING);
        def("hasPrefix", a -> s(a, 1).startsWith(s(a, 0)), P.STRING, P.STRING);
        def("hasSuffix", a -> s(a, 1).endsWith(s(a, 0)), P.STRING, P.STRING);
        defv("quote", a -> {
            List<String> out = new ArrayList<>();
            for (Object o : a) {
                if (o != null) {
                    out.add(GoValues.quote(strval(o)));
                }
            }
            return String.join(" ", out);
        }, P.ANY);
        defv("squote", a -> {
            List<String> out = new ArrayList<>();
            for (Object o : a) {
                if (o != null) {
                    out.add("'" + GoValues.print(o) + "'");
                }
            }
            return String.join(" ", out);
        }, P.ANY);
        defv("cat", a -> {
            List<String> out = new ArrayList<>();
            for (Object o : a) {
                if (o != null) {
                    out.add(GoValues.print(o));
                }
            }
            return String.join(" ", out);
        }, P.ANY);
        def("indent", a -> indent(i(a, 0), s(a, 1)), P.INT, P.STRING);
        def("nindent", a -> "\n" + indent(i(a, 0), s(a, 1)), P.INT, P.STRING);
        def("replace", a -> s(a, 2).replace(s(a, 0), s(a, 1)), P.STRING, P.STRING, P.STRING);
        def("plural", a -> i(a, 2) == 1 ? s(a, 0) : s(a, 1), P.STRING, P.STRING, P.INT);
        def("sha1sum", a -> hexDigest("SHA-1", s(a, 0)), P.STRING);
        def("sha256sum", a -> hexDigest("SHA-256", s(a, 0)), P.STRING);
        def("adler32sum", a -> Long.toString(adler32(s(a, 0))), P.STRING);
        def("toString", a -> strval(a.get(0)), P.ANY);
        def("atoi", a -> {
            try {
                return Integer.parseInt(s(a, 0));
            } catch (NumberFormatException e) {
                return parseLongOrZero(s(a, 0), true);
            }
        }, P.STRING);
        def("int64", a -> toInt64(a.get(0)), P.ANY);
        def("int", a -> narrow(toInt64(a.get(0))), P.ANY);
        def("float64", a -> toFloat64(a.get(0)), P.ANY);
        defv("seq", a -> seq(a), P.INT);
        def("toDecimal", a -> {
            try {
                return Long.parseLong(strval(a.get(0)), 8);
            } catch (NumberFormatException e) {
                return 0L;
            }
        }, P.ANY);
        def("split", a -> {
            GoValues.StringMap m = new GoValues.StringMap();
            String[] parts = goSplit(s(a, 1), s(a, 0), -1);
            for (int k = 0; k < parts.length; k++) {
                m.put("_" + k, parts[k]);
            }
            return m;
        }, P.STRING, P.STRING);
        def("splitList", a -> new GoValues.StringList(List.of(goSplit(s(a, 1), s(a, 0), -1))), P.STRING, P.STRING);
        def("splitn", a -> {
            GoValues.StringMap m = new GoValues.StringMap();
            String[] parts = goSplit(s(a, 2), s(a, 0), i(a, 1));
            for (int k = 0; k < parts.length; k++) {
                m.put("_" + k, parts[k]);
            }
            return m;
        }, P.STRING, P.INT, P.STRING);
        def("toStrings", a -> new GoValues.StringList(strslice(a.get(0))), P.ANY);
        def("until", a -> untilStep(0, i(a, 0), i(a, 0) >= 0 ? 1 : -1), P.INT);
        def("untilStep", a -> untilStep(i(a, 0), i(a, 1), i(a, 2)), P.INT, P.INT, P.INT);
        // numbers
        def("add1", a -> toInt64(a.get(0)) + 1, P.ANY);
        defv("add", a -> {
            long sum = 0;
            for (Object o : a) {
                sum += toInt64(o);
            }
            return sum;
        }, P.ANY);
        def("sub", a -> toInt64(a.get(0)) - toInt64(a.get(1)), P.ANY, P.ANY);
        def("div", a -> {
            long d = toInt64(a.get(1));
            if (d == 0) {
                throw new FuncError("runtime error: integer divide by zero");
            }
            return toInt64(a.get(0)) / d;
        }, P.ANY, P.ANY);
        def("mod", a -> {
            long d = toInt64(a.get(1));
            if (d == 0) {
                throw new FuncError("runtime error: integer divide by zero");
            }
            return toInt64(a.get(0)) % d;
        }, P.ANY, P.ANY);
        defv("mul", a -> {
            long p = toInt64(a.get(0));
            for (int k = 1; k < a.size(); k++) {
                p *= toInt64(a.get(k));
            }
            return p;
        }, P.ANY, P.ANY);
        defv("biggest", a -> maxMin(a, true), P.ANY, P.ANY);
        defv("max", a -> maxMin(a, true), P.ANY, P.ANY);
        defv("min", a -> maxMin(a, false), P.ANY, P.ANY);
        defv("maxf", a -> maxMinF(a, true), P.ANY, P.ANY);
        defv("minf", a -> maxMinF(a, false), P.ANY, P.ANY);
        def("ceil", a -> Math.ceil(toFloat64(a.get(0))), P.ANY);
        def("floor", a -> Math.floor(toFloat64(a.get(0))), P.ANY);
        defv("round", a -> {
            double v = toFloat64(a.get(0));
            double roundOn = a.size() > 2 ? (Double) a.get(2) : 0.5;
            double pow = Math.pow(10, (Integer) a.get(1));
            double digit = pow * v;
            double frac = digit - (digit < 0 ? Math.ceil(digit) : Math.floor(digit));
            return (frac >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
        }, P.FLOAT, P.ANY, P.INT);
        def("join", a -> String.join(s(a, 0), strslice(a.get(1))), P.STRING, P.ANY);
        def("sortAlpha", a -> {
            List<String> l = new ArrayList<>(strslice(a.get(0)));
            l.sort(Functions::compareBytes);
            return new GoValues.StringList(l);
        }, P.ANY);
        // defaults
        defv("default", a -> a.size() < 2 || empty(a.get(1)) ? a.get(0) : a.get(1), P.ANY, P.ANY);
        def("empty", a -> empty(a.get(0)), P.ANY);
        defv("coalesce", a -> {
            for (Object o : a) {
                if (!empty(o)) {
                    return o;
                }
            }
            return null;
        }, P.ANY);
        defv("all", a -> a.stream().noneMatch(Functions::empty), P.ANY);
        defv("any", a -> a.stream().anyMatch(o -> !empty(o)), P.ANY);
        def("compact", a -> compact(a.get(0)), P.ANY);
        def("mustCompact", a -> compact(a.get(0)), P.ANY);
        def("fromJson", a -> {
            try {
                return fromJson(s(a, 0));
            } catch (FuncError e) {
                return null;
            }
        }, P.STRING);
        def("mustFromJson", a -> fromJson(s(a, 0)), P.STRING);
        def("toJson", a -> {
            try {
                return GoJson.marshal(a.get(0), true, null);
            } catch (FuncError e) {
                return "";
            }
        }, P.ANY);
        def("mustToJson", a -> GoJson.marshal(a.get(0), true, null), P.ANY);
        def("toPrettyJson", a -> {
            try {
                return GoJson.marshal(a.get(0), true, "  ");
            } catch (FuncError e) {
                return "";
            }
        }, P.ANY);
        def("mustToPrettyJson", a -> GoJson.marshal(a.get(0), true, "  "), P.ANY);
        def("toRawJson", a -> GoJson.marshal(a.get(0), false, null), P.ANY);
        def("mustToRawJson", a -> GoJson.marshal(a.get(0), false, null), P.ANY);
        def("ternary", a -> (Boolean) a.get(2) ? a.get(0) : a.get(1), P.ANY, P.ANY, P.BOOL);
        def("typeOf", a -> a.get(0) == null ? "<nil>" : GoValues.typeName(a.get(0)), P.ANY);
        def("typeIs", a -> s(a, 0).equals(GoValues.typeName(a.get(1))), P.STRING, P.ANY);
        def("typeIsLike", a -> s(a, 0).equals(GoValues.typeName(a.get(1)))
                || s(a, 0).equals("*" + GoValues.typeName(a.get(1))), P.STRING, P.ANY);
        def("kindOf", a -> kindName(a.get(0)), P.ANY);
        def("kindIs", a -> s(a, 0).equals(kindName(a.get(1))), P.STRING, P.ANY);
        def("deepEqual", a -> GoYaml.normalize(a.get(0)) == null ? a.get(1) == null
                : java.util.Objects.equals(GoYaml.normalize(a.get(0)), GoYaml.normalize(a.get(1))), P.ANY, P.ANY);
        // paths (path and path/filepath are the same on Linux)
        for (String prefix : new String[] {"", "os"}) {
            String b = prefix.isEmpty() ? "base" : "osBase";
            def(b, a -> pathBase(s(a, 0)), P.STRING);
            def(prefix.isEmpty() ? "dir" : "osDir", a -> pathDir(s(a, 0)), P.STRING);
            def(prefix.isEmpty() ? "clean" : "osClean", a -> pathClean(s(a, 0)), P.STRING);
            def(prefix.isEmpty() ? "ext" : "osExt", a -> pathExt(s(a, 0)), P.STRING);
            def(prefix.isEmpty() ? "isAbs" : "osIsAbs", a -> s(a, 0).startsWith("/"), P.STRING);
        }
        def("b64enc", a -> Base64.getEncoder().encodeToString(s(a, 0).getBytes(StandardCharsets.UTF_8)), P.STRING);
        def("b64dec", a -> {
            try {
                return new String(Base64.getDecoder().decode(s(a, 0)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return "illegal base64 data at input byte " + badBase64Offset(s(a, 0));
            }
        }, P.STRING);
        def("b32enc", a -> base32(s(a, 0).getBytes(StandardCharsets.UTF_8)), P.STRING);
        def("b32dec", a -> {
            throw new FuncError("b32dec is not supported by fleetwarden");
        }, P.STRING);
        // lists and dicts
        defv("tuple", a -> new ArrayList<>(a), P.ANY);
        defv("list", a -> new ArrayList<>(a), P.ANY);
        defv("dict", a -> {
            Map<String, Object> m = new TreeMap<>();
            for (int k = 0; k < a.size(); k += 2) {
                String key = strval(a.get(k));
                m.put(key, k + 1 < a.size() ? a.get(k + 1) : "");
            }
            return m;
        }, P.ANY);
        def("get", a -> {
            Map<?, ?> m = (Map<?, ?>) a.get(0);
            return m != null && m.containsKey(s(a, 1)) ? m.get(s(a, 1)) : "";
        }, P.MAP, P.STRING);
        def("set", a -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) a.get(0);
            if (m == null) {
                throw new FuncError("assignment to entry in nil map");
            }
            m.put(s(a, 1), a.get(2));
            return m;
        }, P.MAP, P.STRING, P.ANY);
        def("unset", a -> {
            Map<?, ?> m = (Map<?, ?>) a.get(0);
            if (m != null) {
                m.remove(s(a, 1));
            }
            return m;
        }, P.MAP, P.STRING);
        def("hasKey", a -> a.get(0) != null && ((Map<?, ?>) a.get(0)).containsKey(s(a, 1)), P.MAP, P.STRING);
        defv("pluck", a -> {
            List<Object> out = new ArrayList<>();
            for (int k = 1; k < a.size(); k++) {
                Map<?, ?> m = (Map<?, ?>) a.get(k);
                if (m != null && m.containsKey(s(a, 0))) {
                    out.add(m.get(s(a, 0)));
                }
            }
            return out;
        }, P.MAP, P.STRING);
        defv("keys", a -> {
            // Go returns the keys in map order, which is random; fleetwarden returns them sorted.
            List<String> out = new ArrayList<>();
            for (Object o : a) {
                if (o != null) {
                    out.addAll(GoYaml.sorted((Map<?, ?>) o).keySet());
                }
            }
            return new GoValues.StringList(out);
        }, P.MAP);
        defv("pick", a -> {
            Map<?, ?> m = (Map<?, ?>) a.get(0);
            Map<String, Object> out = new TreeMap<>();
            for (int k = 1; k < a.size(); k++) {
                if (m != null && m.containsKey(s(a, k))) {
                    out.put(s(a, k), m.get(s(a, k)));
                }
            }
            return out;
        }, P.STRING, P.MAP);
        defv("omit", a -> {
            Map<?, ?> m = (Map<?, ?>) a.get(0);
            Map<String, Object> out = new TreeMap<>();
            if (m != null) {
                GoYaml.sorted(m).forEach(out::put);
            }
            for (int k = 1; k < a.size(); k++) {
                out.remove(s(a, k));
            }
            return out;
        }, P.STRING, P.MAP);
        def("values", a -> {
            List<Object> out = new ArrayList<>();
            if (a.get(0) != null) {
                out.addAll(GoYaml.sorted((Map<?, ?>) a.get(0)).values());
            }
            return out;
        }, P.MAP);
        for (String n : new String[] {"append", "push", "mustAppend", "mustPush"}) {
            def(n, a -> {
                List<Object> out = new ArrayList<>(list(a.get(0), n));
                out.add(a.get(1));
                return out;
            }, P.ANY, P.ANY);
        }
        for (String n : new String[] {"prepend", "mustPrepend"}) {
            def(n, a -> {
                List<Object> out = new ArrayList<>();
                out.add(a.get(1));
                out.addAll(list(a.get(0), n));
                return out;
            }, P.ANY, P.ANY);
        }
        for (String n : new String[] {"first", "mustFirst"}) {
            def(n, a -> {
                List<Object> l = list(a.get(0), n);
                return l.isEmpty() ? null : l.get(0);
            }, P.ANY);
        }
        for (String n : new String[] {"last", "mustLast"}) {
            def(n, a -> {
                List<Object> l = list(a.get(0), n);
                return l.isEmpty() ? null : l.get(l.size() - 1);
            }, P.ANY);
        }
        for (String n : new String[] {"rest", "mustRest"}) {
            def(n, a -> {
                List<Object> l = list(a.get(0), n);
                return l.isEmpty() ? null : new ArrayList<>(l.subList(1, l.size()));
            }, P.ANY);
        }
        for (String n : new String[] {"initial", "mustInitial"}) {
            def(n, a -> {
                List<Object> l = list(a.get(0), n);
                return l.isEmpty() ? null : new ArrayList<>(l.subList(0, l.size() - 1));
            }, P.ANY);
        }
        for (String n : new String[] {"reverse", "mustReverse"}) {
            def(n, a -> {
                List<Object> l = new ArrayList<>(list(a.get(0), n));
                Collections.reverse(l);
                return l;
            }, P.ANY);
        }
        for (String n : new String[] {"uniq", "mustUniq"}) {
            def(n, a -> {
                List<Object> out = new ArrayList<>();
                for (Object o : list(a.get(0), n)) {
                    if (!containsDeep(out, o)) {
                        out.add(o);
                    }
                }
                return out;
            }, P.ANY);
        }
        for (String n : new String[] {"without", "mustWithout"}) {
            defv(n, a -> {
                List<Object> out = new ArrayList<>();
                List<Object> omit = a.subList(1, a.size());
                for (Object o : list(a.get(0), n)) {
                    if (!containsDeep(omit, o)) {
                        out.add(o);
                    }
                }
                return out;
            }, P.ANY, P.ANY);
        }
        for (String n : new String[] {"has", "mustHas"}) {
            def(n, a -> a.get(1) != null && containsDeep(list(a.get(1), n), a.get(0)), P.ANY, P.ANY);
        }
        for (String n : new String[] {"slice", "mustSlice"}) {
            defv(n, a -> {
                List<Object> l = list(a.get(0), n);
                int start = a.size() > 1 ? (int) toInt64(a.get(1)) : 0;
                int end = a.size() > 2 ? (int) toInt64(a.get(2)) : l.size();
                if (start < 0 || end > l.size() || start > end) {
                    throw new FuncError("slice bounds out of range [" + start + ":" + end + "]");
                }
                return new ArrayList<>(l.subList(start, end));
            }, P.ANY, P.ANY);
        }
        defv("concat", a -> {
            List<Object> out = new ArrayList<>();
            for (Object o : a) {
                out.addAll(list(o, "concat"));
            }
            return out;
        }, P.ANY);
        defv("dig", a -> {
            if (a.size() < 3) {
                throw new FuncError("dig needs at least three arguments");
            }
            Object cur = a.get(a.size() - 1);
            Object def = a.get(a.size() - 2);
            for (int k = 0; k < a.size() - 2; k++) {
                if (!(cur instanceof Map<?, ?> m) || !(a.get(k) instanceof String key)) {
                    throw new FuncError("interface conversion: dig expects strings and maps");
                }
                if (!m.containsKey(key)) {
                    return def;
                }
                cur = m.get(key);
            }
            return cur;
        }, P.ANY);
        for (String n : new String[] {"chunk", "mustChunk"}) {
            def(n, a -> {
                int size = i(a, 0);
                if (size <= 0) {
                    throw new FuncError("chunk size must be positive");
                }
                List<Object> l = list(a.get(1), n);
                List<Object> out = new ArrayList<>();
                for (int k = 0; k < l.size(); k += size) {
                    out.add(new ArrayList<>(l.subList(k, Math.min(l.size(), k + size))));
                }
                return out;
            }, P.INT, P.ANY);
        }
        def("fail", a -> {
            throw new FuncError(s(a, 0));
        }, P.STRING);
        // regular expressions (Go's RE2 syntax, through re2j)
        for (String n : new String[] {"regexMatch", "mustRegexMatch"}) {
            def(n, a -> regex(s(a, 0)).matcher(s(a, 1)).find(), P.STRING, P.STRING);
        }
        for (String n : new String[] {"regexFindAll", "mustRegexFindAll"}) {
            def(n, a -> {
                Matcher m = regex(s(a, 0)).matcher(s(a, 1));
                List<Object> out = new ArrayList<>();
                int limit = i(a, 2);
                while (m.find() && (limit < 0 || out.size() < limit)) {
                    out.add(m.group());
                }
                return new GoValues.StringList(out);
            }, P.STRING, P.STRING, P.INT);
        }
        for (String n : new String[] {"regexFind", "mustRegexFind"}) {
            def(n, a -> {
                Matcher m = regex(s(a, 0)).matcher(s(a, 1));
                return m.find() ? m.group() : "";
            }, P.STRING, P.STRING);
        }
        for (String n : new String[] {"regexReplaceAll", "mustRegexReplaceAll"}) {
            def(n, a -> replaceAll(regex(s(a, 0)), s(a, 1), s(a, 2), false), P.STRING, P.STRING, P.STRING);
        }
        for (String n : new String[] {"regexReplaceAllLiteral", "mustRegexReplaceAllLiteral"}) {
            def(n, a -> replaceAll(regex(s(a, 0)), s(a, 1), s(a, 2), true), P.STRING, P.STRING, P.STRING);
        }
        for (String n : new String[] {"regexSplit", "mustRegexSplit"}) {
            def(n, a -> {
                int limit = i(a, 2);
                if (limit == 0) {
                    return new GoValues.StringList(List.of());
                }
                String[] parts = regex(s(a, 0)).split(s(a, 1), limit < 0 ? -1 : limit);
                return new GoValues.StringList(List.of(parts));
            }, P.STRING, P.STRING, P.INT);
        }
        def("regexQuoteMeta", a -> Pattern.quote(s(a, 0)).replaceAll("^\\\\Q|\\\\E$", "").isEmpty() ? ""
                : quoteMeta(s(a, 0)), P.STRING);
        def("urlParse", a -> urlParse(s(a, 0)), P.STRING);
        def("urlJoin", a -> urlJoin((Map<?, ?>) a.get(0)), P.MAP);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static Object narrow(long v) {
        return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? (Object) (int) v : (Object) v;
    }

    static String strval(Object v) {
        if (v instanceof String str) {
            return str;
        }
        return GoValues.print(v);
    }

    static long toInt64(Object v) {
        if (v instanceof String str) {
            return parseLongOrZero(str, false);
        }
        if (GoValues.isInt(v)) {
            return GoValues.toLong(v);
        }
        if (v instanceof Double d) {
            return (long) d.doubleValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return 0;
    }

    private static long parseLongOrZero(String s, boolean atoi) {
        try {
            String t = s.startsWith("+") ? s.substring(1) : s;
            if (t.isEmpty() || t.startsWith("+") || t.startsWith("-") && t.length() == 1) {
                return 0;
            }
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static double toFloat64(Object v) {
        if (v instanceof String str) {
            Double d = GoYaml.goParseFloat(str);
            if (d == null) {
                try {
                    return Double.parseDouble(str);
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
            return d;
        }
        if (GoValues.isInt(v)) {
            return GoValues.toLong(v);
        }
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        return 0;
    }

    private static Object maxMin(List<Object> a, boolean max) {
        long r = toInt64(a.get(0));
        for (int k = 1; k < a.size(); k++) {
            long b = toInt64(a.get(k));
            r = max ? Math.max(r, b) : Math.min(r, b);
        }
        return r;
    }

    private static Object maxMinF(List<Object> a, boolean max) {
        double r = toFloat64(a.get(0));
        for (int k = 1; k < a.size(); k++) {
            double b = toFloat64(a.get(k));
            r = max ? Math.max(r, b) : Math.min(r, b);
        }
        return r;
    }

    private static Object seq(List<Object> a) throws FuncError {
        List<Object> out = new ArrayList<>();
        int start;
        int end;
        int step;
        switch (a.size()) {
            case 0:
                return "";
            case 1:
                start = 1;
                end = (Integer) a.get(0);
                step = end >= start ? 1 : -1;
                break;
            case 2:
                start = (Integer) a.get(0);
                end = (Integer) a.get(1);
                step = end >= start ? 1 : -1;
                break;
            case 3:
                start = (Integer) a.get(0);
                step = (Integer) a.get(1);
                end = (Integer) a.get(2);
                if (end < start && step >= 0 || end > start && step <= 0) {
                    return "";
                }
                break;
            default:
                return "";
        }
        List<Object> nums = untilStep(start, end + (step > 0 ? 1 : -1), step);
        for (Object o : nums) {
            out.add(GoValues.print(o));
        }
        return String.join(" ", out.stream().map(Object::toString).toList());
    }

    private static List<Object> untilStep(int start, int stop, int step) throws FuncError {
        List<Object> out = new ArrayList<>();
        if (step == 0) {
            return out;
        }
        long n = (long) Math.ceil(((double) stop - start) / step);
        if (n > GoTemplate.MAX_STEPS) {
            throw new FuncError("sequence longer than " + GoTemplate.MAX_STEPS);
        }
        if (step > 0) {
            for (long k = start; k < stop; k += step) {
                out.add((int) k);
            }
        } else {
            for (long k = start; k > stop; k += step) {
                out.add((int) k);
            }
        }
        return out;
    }

    static boolean empty(Object v) {
        if (v == null) {
            return true;
        }
        if (v instanceof String str) {
            return str.isEmpty();
        }
        if (v instanceof List<?> l) {
            return l.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return m.isEmpty();
        }
        if (v instanceof Boolean b) {
            return !b;
        }
        if (GoValues.isInt(v)) {
            return GoValues.toLong(v) == 0;
        }
        if (v instanceof Double d) {
            return d == 0;
        }
        return false;
    }

    private static Object compact(Object v) throws FuncError {
        List<Object> out = new ArrayList<>();
        for (Object o : list(v, "compact")) {
            if (!empty(o)) {
                out.add(o);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object v, String fn) throws FuncError {
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        if (v == null) {
            throw new FuncError("Cannot find " + fn + " on type <nil>");
        }
        throw new FuncError("Cannot find " + fn + " on type " + kindName(v));
    }

    private static boolean containsDeep(List<Object> l, Object o) {
        Object n = GoYaml.normalize(o);
        for (Object x : l) {
            if (java.util.Objects.equals(GoYaml.normalize(x), n)) {
                return true;
            }
        }
        return false;
    }

    static List<String> strslice(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            for (Object o : l) {
                if (o != null) {
                    out.add(strval(o));
                }
            }
            return out;
        }
        if (v == null) {
            return out;
        }
        out.add(strval(v));
        return out;
    }

    static String kindName(Object v) {
        if (v == null) {
            return "invalid";
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
        if (v instanceof List<?>) {
            return "slice";
        }
        if (v instanceof Map<?, ?>) {
            return "map";
        }
        return "struct";
    }

    private static String indent(int spaces, String v) {
        String pad = " ".repeat(Math.max(0, spaces));
        return pad + v.replace("\n", "\n" + pad);
    }

    private static String title(String s) {
        StringBuilder sb = new StringBuilder();
        boolean prevLetter = false;
        for (int k = 0; k < s.length(); ) {
            int cp = s.codePointAt(k);
            k += Character.charCount(cp);
            boolean letter = Character.isLetterOrDigit(cp) || cp == '_' || cp == '\'';
            if (letter && !prevLetter) {
                sb.appendCodePoint(Character.toTitleCase(cp));
            } else {
                sb.appendCodePoint(cp);
            }
            prevLetter = letter;
        }
        return sb.toString();
    }

    private static String trimSet(String s, String cutset) {
        int start = 0;
        int end = s.length();
        while (start < end && cutset.indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && cutset.indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }

    /** strings.Split / SplitN. */
    static String[] goSplit(String s, String sep, int n) {
        if (n == 0) {
            return new String[0];
        }
        List<String> out = new ArrayList<>();
        if (sep.isEmpty()) {
            int[] cps = s.codePoints().toArray();
            for (int k = 0; k < cps.length; k++) {
                if (n > 0 && out.size() == n - 1) {
                    out.add(new String(cps, k, cps.length - k));
                    return out.toArray(new String[0]);
                }
                out.add(new String(Character.toChars(cps[k])));
            }
            return out.toArray(new String[0]);
        }
        int start = 0;
        while (true) {
            if (n > 0 && out.size() == n - 1) {
                break;
            }
            int idx = s.indexOf(sep, start);
            if (idx < 0) {
                break;
            }
            out.add(s.substring(start, idx));
            start = idx + sep.length();
        }
        out.add(s.substring(start));
        return out.toArray(new String[0]);
    }

    private static String hexDigest(String alg, String s) throws FuncError {
        try {
            byte[] d = MessageDigest.getInstance(alg).digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (byte b : d) {
                sb.append(String.format("%02x", b & 0xFF));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new FuncError(e.getMessage());
        }
    }

    static long adler32(String s) {
        Adler32 a = new Adler32();
        a.update(s.getBytes(StandardCharsets.UTF_8));
        return a.getValue();
    }

    private static int badBase64Offset(String s) {
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (!(Character.isLetterOrDigit(c) && c < 128 || c == '+' || c == '/' || c == '=')) {
                return k;
            }
        }
        return s.length() - s.length() % 4;
    }

    private static String base32(byte[] data) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder sb = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                sb.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(alphabet.charAt((buffer << (5 - bits)) & 31));
        }
        while (sb.length() % 8 != 0) {
            sb.append('=');
        }
        return sb.toString();
    }

    private static String pathBase(String p) {
        if (p.isEmpty()) {
            return ".";
        }
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        int i = p.lastIndexOf('/');
        String b = i >= 0 && p.length() > 1 ? p.substring(i + 1) : p;
        return b.isEmpty() ? "/" : b;
    }

    private static String pathDir(String p) {
        int i = p.lastIndexOf('/');
        return pathClean(p.substring(0, i + 1));
    }

    private static String pathExt(String p) {
        for (int i = p.length() - 1; i >= 0 && p.charAt(i) != '/'; i--) {
            if (p.charAt(i) == '.') {
                return p.substring(i);
            }
        }
        return "";
    }

    static String pathClean(String p) {
        if (p.isEmpty()) {
            return ".";
        }
        boolean rooted = p.startsWith("/");
        List<String> out = new ArrayList<>();
        for (String part : p.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
                    out.remove(out.size() - 1);
                } else if (!rooted) {
                    out.add("..");
                }
                continue;
            }
            out.add(part);
        }
        String r = (rooted ? "/" : "") + String.join("/", out);
        return r.isEmpty() ? "." : r;
    }

    private static Pattern regex(String re) throws FuncError {
        try {
            return Pattern.compile(re);
        } catch (PatternSyntaxException e) {
            throw new FuncError("error parsing regexp: " + e.getMessage());
        }
    }

    /** regexp.ReplaceAllString (with Go's $1, ${1}, ${name}, $$ expansion) or ReplaceAllLiteralString. */
    private static String replaceAll(Pattern re, String src, String template, boolean literal) {
        Matcher m = re.matcher(src);
        StringBuilder sb = new StringBuilder();
        int last = 0;
        while (m.find()) {
            sb.append(src, last, m.start());
            sb.append(literal ? template : expand(m, template));
            last = m.end();
            if (m.end() == m.start()) {
                if (m.end() >= src.length()) {
                    break;
                }
                // an empty match: Go advances one rune
                int next = m.end() + Character.charCount(src.codePointAt(m.end()));
                sb.append(src, m.end(), next);
                last = next;
                if (!m.find(next)) {
                    break;
                }
                sb.append(src, last, m.start());
                sb.append(literal ? template : expand(m, template));
                last = m.end();
            }
        }
        sb.append(src.substring(Math.min(last, src.length())));
        return sb.toString();
    }

    private static String expand(Matcher m, String t) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < t.length(); k++) {
            char c = t.charAt(k);
            if (c != '$' || k + 1 >= t.length()) {
                sb.append(c);
                continue;
            }
            char d = t.charAt(k + 1);
            if (d == '$') {
                sb.append('$');
                k++;
                continue;
            }
            String name;
            int end;
            if (d == '{') {
                int close = t.indexOf('}', k + 2);
                if (close < 0) {
                    sb.append(c);
                    continue;
                }
                name = t.substring(k + 2, close);
                end = close;
            } else {
                int j = k + 1;
                while (j < t.length() && (Character.isLetterOrDigit(t.charAt(j)) || t.charAt(j) == '_')) {
                    j++;
                }
                name = t.substring(k + 1, j);
                end = j - 1;
            }
            if (name.isEmpty() || !name.matches("[A-Za-z0-9_]+")) {
                sb.append(c);
                continue;
            }
            String g = null;
            try {
                if (name.matches("[0-9]+")) {
                    int gi = Integer.parseInt(name);
                    if (gi <= m.groupCount()) {
                        g = m.group(gi);
                    }
                } else {
                    g = m.group(name);
                }
            } catch (RuntimeException e) {
                g = null;
            }
            if (g != null) {
                sb.append(g);
            }
            k = end;
        }
        return sb.toString();
    }

    private static String quoteMeta(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    private static final java.util.regex.Pattern URL = java.util.regex.Pattern.compile(
            "^(([a-zA-Z][a-zA-Z0-9+.-]*):)?(//(([^@/?#]*)@)?([^/?#]*))?([^?#]*)(\\?([^#]*))?(#(.*))?$", java.util.regex.Pattern.DOTALL);

    private static Object urlParse(String v) throws FuncError {
        java.util.regex.Matcher m = URL.matcher(v);
        if (!m.matches()) {
            throw new FuncError("unable to parse url: " + v);
        }
        Map<String, Object> out = new TreeMap<>();
        String host = m.group(6) == null ? "" : m.group(6);
        out.put("scheme", m.group(2) == null ? "" : m.group(2).toLowerCase(java.util.Locale.ROOT));
        out.put("host", host);
        String hostname = host.startsWith("[") ? host.substring(1, Math.max(1, host.indexOf(']')))
                : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
        out.put("hostname", hostname);
        out.put("path", m.group(7) == null ? "" : m.group(7));
        out.put("query", m.group(9) == null ? "" : m.group(9));
        out.put("opaque", "");
        out.put("fragment", m.group(11) == null ? "" : m.group(11));
        out.put("userinfo", m.group(5) == null ? "" : m.group(5));
        return out;
    }

    /** net/url.QueryEscape. */
    static String queryEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                sb.append((char) c);
            } else if (c == ' ') {
                sb.append('+');
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    private static Object urlJoin(Map<?, ?> d) {
        StringBuilder sb = new StringBuilder();
        Object scheme = d == null ? null : d.get("scheme");
        if (scheme != null && !scheme.toString().isEmpty()) {
            sb.append(scheme).append(':');
        }
        Object host = d == null ? null : d.get("host");
        Object user = d == null ? null : d.get("userinfo");
        if (host != null && !host.toString().isEmpty()) {
            sb.append("//");
            if (user != null && !user.toString().isEmpty()) {
                sb.append(user).append('@');
            }
            sb.append(host);
        }
        Object path = d == null ? null : d.get("path");
        if (path != null) {
            sb.append(path);
        }
        Object query = d == null ? null : d.get("query");
        if (query != null && !query.toString().isEmpty()) {
            sb.append('?').append(query);
        }
        Object frag = d == null ? null : d.get("fragment");
        if (frag != null && !frag.toString().isEmpty()) {
            sb.append('#').append(frag);
        }
        return sb.toString();
    }

    private static Object fromJson(String s) throws FuncError {
        try {
            JsonNode n = JSON.readTree(s);
            if (n == null) {
                throw new FuncError("unexpected end of JSON input");
            }
            return fromNode(n);
        } catch (JsonProcessingException e) {
            throw new FuncError(GoYaml.oneLine(e.getOriginalMessage()));
        }
    }

    private static Object fromNode(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), fromNode(e.getValue()));
            }
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(fromNode(x)));
            return l;
        }
        if (n.isNumber()) {
            return n.decimalValue().doubleValue(); // encoding/json: every number is a float64
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isNull()) {
            return null;
        }
        return n.textValue();
    }

    /** Flux Operator's toYaml: sigs.k8s.io/yaml.Marshal (JSON first, so integral floats lose their fraction). */
    static String toYaml(Object v) throws FuncError {
        return GoYaml.marshal(jsonRoundTrip(v));
    }

    static Object jsonRoundTrip(Object v) throws FuncError {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), jsonRoundTrip(e.getValue()));
            }
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(jsonRoundTrip(o));
            }
            return out;
        }
        if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw new FuncError("json: unsupported value: " + GoStrconv.formatFloat(d, 'g', -1));
            }
            return GoYaml.integralOrDouble(d);
        }
        if (v instanceof Integer x) {
            return (long) x;
        }
        return v;
    }

    /** gosimple/slug.Make with MaxLength 63 and smart truncation, as Flux Operator configures it. */
    static String slugify(String s) {
        String slug = s.strip();
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < slug.length(); ) {
            int cp = slug.codePointAt(k);
            k += Character.charCount(cp);
            switch (cp) {
                case '"', '\'', '\u2019' -> { }
                case '\u2012', '\u2013', '\u2014', '\u2015' -> sb.append('-');
                case '&' -> sb.append("and");
                case '@' -> sb.append("at");
                default -> sb.appendCodePoint(cp);
            }
        }
        // unidecode: transliterate what decomposes to ASCII; fleetwarden drops what does not (see docs)
        String t = Normalizer.normalize(sb.toString(), Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        t = t.toLowerCase(java.util.Locale.ROOT);
        t = t.replaceAll("[^a-zA-Z0-9\\-_]", "-");
        t = t.replaceAll("-+", "-");
        t = trimSet(t, "-_");
        int max = 63;
        if (t.length() > max) {
            int cut = -1;
            for (int k = max; k >= 0; k--) {
                if (t.charAt(k) == '-') {
                    cut = k;
                    break;
                }
            }
            t = cut >= 0 ? t.substring(0, cut) : t.substring(0, max);
        }
        return t;
    }
}
