package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Flux's postBuild substitution (kustomize-controller, fluxcd/pkg/envsubst), run on the YAML of each built
 * object, which is then parsed again (so {@code replicas: ${R}} becomes a number):
 * <ul>
 * <li>{@code ${var}}; undefined variables become "" (Flux's default, non-strict mode);</li>
 * <li>{@code ${var:=default}}, {@code ${var:-default}}, {@code ${var=default}}: the default when the variable is
 * unset or empty;</li>
 * <li>{@code ${var:offset}}, {@code ${var:offset:length}}, {@code ${var/from/to}}, {@code ${var//from/to}},
 * {@code ${#var}}, {@code ${var^}}, {@code ${var^^}}, {@code ${var,}}, {@code ${var,,}};</li>
 * <li>{@code $${var}} is an escape for the literal {@code ${var}}; {@code $var} without braces is left alone;</li>
 * <li>an object labelled or annotated {@code kustomize.toolkit.fluxcd.io/substitute: disabled} is left alone;</li>
 * <li>with no variables at all nothing is substituted (Flux's default {@code substituteStrategy},
 * {@code WithVariables}), unless {@code always} ({@code substituteStrategy: Always}), which lets
 * {@code ${var:=default}} take its default;</li>
 * <li>a newline in a value is dropped, as Flux drops it from every value it reads.</li>
 * </ul>
 * Variable names must match {@code ^[_[:alpha:]][_[:alpha:][:digit:]]*$}, as Flux requires.
 */
public final class Substitution {

    public static final String OPT_OUT = "kustomize.toolkit.fluxcd.io/substitute";
    private static final Pattern NAME = Pattern.compile("[_a-zA-Z][_a-zA-Z0-9]*");

    private Substitution() {
    }

    /** Substituted copies of the objects, with Flux's default strategy (nothing substituted without variables). */
    public static List<ObjectNode> apply(List<ObjectNode> objects, Map<String, String> vars) {
        return apply(objects, vars, false);
    }

    /** Substituted copies of the objects; with {@code always}, even when there are no variables. */
    public static List<ObjectNode> apply(List<ObjectNode> objects, Map<String, String> given, boolean always) {
        Map<String, String> vars = new java.util.LinkedHashMap<>();
        // Flux reads every value (inline, ConfigMap, Secret) with its newlines removed: a Secret written from a file
        // usually ends in one, and it must not break the YAML it is substituted into.
        given.forEach((k, v) -> vars.put(k, v.replace("\n", "")));
        for (String name : vars.keySet()) {
            if (!NAME.matcher(name).matches()) {
                throw new RenderException(null, "substitute", "'" + name + "' var name is invalid, must match '"
                        + "^[_[:alpha:]][_[:alpha:][:digit:]]*$'");
            }
        }
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode o : objects) {
            out.add((vars.isEmpty() && !always) || optedOut(o) ? o : substitute(o, vars));
        }
        return out;
    }

    private static boolean optedOut(ObjectNode o) {
        JsonNode meta = o.path("metadata");
        return "disabled".equals(meta.path("labels").path(OPT_OUT).asText(null))
                || "disabled".equals(meta.path("annotations").path(OPT_OUT).asText(null));
    }

    private static ObjectNode substitute(ObjectNode o, Map<String, String> vars) {
        String where = o.path("kind").asText() + "/" + o.path("metadata").path("name").asText();
        String text = eval(Yaml.write(o), vars, where);
        return Yaml.object(where + " (after substitution)", text.getBytes(StandardCharsets.UTF_8));
    }

    /** Substitutes one text. */
    public static String eval(String s, Map<String, String> vars, String where) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '$' && s.startsWith("$${", i)) {
                int end = s.indexOf('}', i + 3);
                if (end > 0) {
                    out.append(s, i + 1, end + 1);
                    i = end + 1;
                    continue;
                }
            }
            if (c == '$' && s.startsWith("${", i)) {
                int end = closing(s, i + 2);
                if (end < 0) {
                    throw new RenderException(where, "substitute", "unterminated '${' in " + excerpt(s, i));
                }
                out.append(expression(s.substring(i + 2, end), vars, where));
                i = end + 1;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static int closing(String s, int from) {
        int depth = 1;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            } else if (c == '\n') {
                return -1;
            }
        }
        return -1;
    }

    private static String expression(String e, Map<String, String> vars, String where) {
        if (e.startsWith("#")) {
            return String.valueOf(value(e.substring(1), vars, where).length());
        }
        int n = 0;
        while (n < e.length() && (Character.isLetterOrDigit(e.charAt(n)) || e.charAt(n) == '_')) {
            n++;
        }
        String name = e.substring(0, n);
        String op = e.substring(n);
        String v = value(name, vars, where);
        if (op.isEmpty()) {
            return v;
        }
        for (String d : List.of(":=", ":-", "=")) {
            if (op.startsWith(d)) {
                return v.isEmpty() ? eval(op.substring(d.length()), vars, where) : v;
            }
        }
        switch (op) {
            case "^" -> {
                return v.isEmpty() ? v : Character.toUpperCase(v.charAt(0)) + v.substring(1);
            }
            case "^^" -> {
                return v.toUpperCase();
            }
            case "," -> {
                return v.isEmpty() ? v : Character.toLowerCase(v.charAt(0)) + v.substring(1);
            }
            case ",," -> {
                return v.toLowerCase();
            }
            default -> {
            }
        }
        if (op.startsWith("//") || op.startsWith("/")) {
            boolean all = op.startsWith("//");
            String rest = op.substring(all ? 2 : 1);
            int slash = rest.indexOf('/');
            String from = slash < 0 ? rest : rest.substring(0, slash);
            String to = slash < 0 ? "" : rest.substring(slash + 1);
            if (from.isEmpty()) {
                return v;
            }
            return all ? v.replace(from, to) : v.replaceFirst(Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
        }
        if (op.startsWith(":")) {
            String[] parts = op.substring(1).split(":", 2);
            try {
                int offset = Integer.parseInt(parts[0].trim());
                int start = Math.max(0, Math.min(v.length(), offset < 0 ? v.length() + offset : offset));
                int end = parts.length > 1 ? Math.min(v.length(), start + Math.max(0, Integer.parseInt(parts[1].trim())))
                        : v.length();
                return v.substring(start, end);
            } catch (NumberFormatException ex) {
                throw new RenderException(where, "substitute", "bad substring in '${" + name + op + "}'");
            }
        }
        throw new RenderException(where, "substitute", "unsupported substitution '${" + name + op + "}'");
    }

    private static String value(String name, Map<String, String> vars, String where) {
        if (!NAME.matcher(name).matches()) {
            throw new RenderException(where, "substitute", "'" + name + "' is not a valid variable name");
        }
        return vars.getOrDefault(name, "");
    }

    private static String excerpt(String s, int at) {
        int end = s.indexOf('\n', at);
        return s.substring(at, end < 0 ? s.length() : end);
    }
}
