package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads YAML into JSON trees the way kustomize does (Go's yaml.v3, then a JSON round trip), not the way a
 * YAML 1.1 library does: only {@code true}/{@code false} are booleans ({@code on}, {@code yes} stay strings),
 * {@code 0644} and {@code 0o644} are octal, {@code 08} and {@code 1e3} are numbers, every number is a float64
 * (a whole one written as an integer, large ones rounded), and an unquoted date or time becomes an RFC 3339 string. Quoted scalars are always strings.
 * SnakeYAML only composes the node graph (with its limits); the resolution of plain scalars is ours.
 */
final class GoYaml {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Resolver RESOLVER = new Resolver();
    private static final Pattern FLOAT = Pattern.compile("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
    private static final Pattern TIMESTAMP = Pattern.compile("^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
            + "(([Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]*)?(Z|[-+][0-9]{1,2}(:[0-9]{2})?)?)?$");

    private GoYaml() {
    }

    /**
     * Composes with the shared (read-only, so thread-safe) resolver rather than through a new
     * {@code org.yaml.snakeyaml.Yaml}, whose construction compiles the resolver's patterns again: that was 2 % of
     * the service's CPU with a thousand Kustomizations substituting variables object by object.
     */
    static List<JsonNode> documents(String text, LoaderOptions options) {
        Composer composer = new Composer(new ParserImpl(new StreamReader(new StringReader(text)), options), RESOLVER,
                options);
        List<JsonNode> out = new ArrayList<>();
        while (composer.checkNode()) {
            Node n = composer.getNode();
            if (n == null) { // as SnakeYAML's own iterator does
                throw new java.util.NoSuchElementException("No Node is available.");
            }
            out.add(convert(n, new IdentityHashMap<>(), 0));
        }
        return out;
    }

    private static JsonNode convert(Node node, Map<Node, JsonNode> seen, int depth) {
        if (depth > Yaml.MAX_NESTING) {
            throw new IllegalArgumentException("nested deeper than " + Yaml.MAX_NESTING);
        }
        JsonNode done = seen.get(node);
        if (done != null) {
            return done.deepCopy();
        }
        JsonNode result;
        if (node instanceof ScalarNode s) {
            result = scalar(s);
        } else if (node instanceof SequenceNode seq) {
            ArrayNode a = JSON.arrayNode();
            for (Node item : seq.getValue()) {
                a.add(convert(item, seen, depth + 1));
            }
            result = a;
        } else if (node instanceof MappingNode map) {
            ObjectNode o = JSON.objectNode();
            List<ObjectNode> merges = new ArrayList<>();
            for (NodeTuple t : map.getValue()) {
                Node k = t.getKeyNode();
                if (k instanceof ScalarNode ks && Tag.MERGE.equals(ks.getTag())) {
                    JsonNode m = convert(t.getValueNode(), seen, depth + 1);
                    if (m instanceof ObjectNode mo) {
                        merges.add(mo);
                    } else if (m instanceof ArrayNode ma) {
                        ma.forEach(x -> {
                            if (x instanceof ObjectNode xo) {
                                merges.add(xo);
                            }
                        });
                    }
                    continue;
                }
                String key = k instanceof ScalarNode ks ? keyText(ks) : convert(k, seen, depth + 1).toString();
                o.set(key, convert(t.getValueNode(), seen, depth + 1));
            }
            // YAML merge keys: the mapping's own keys win, then earlier merged mappings.
            for (ObjectNode m : merges) {
                m.fields().forEachRemaining(e -> {
                    if (!o.has(e.getKey())) {
                        o.set(e.getKey(), e.getValue());
                    }
                });
            }
            result = o;
        } else {
            throw new IllegalArgumentException("unsupported YAML node " + node.getNodeId());
        }
        seen.put(node, result);
        return result;
    }

    /** A key as the JSON conversion writes it: the resolved value's text (so {@code 1: x} has key "1"). */
    private static String keyText(ScalarNode k) {
        JsonNode v = scalar(k);
        return v.isNull() ? "null" : v.asText();
    }

    private static JsonNode scalar(ScalarNode s) {
        String v = s.getValue();
        boolean plain = s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN;
        Tag tag = s.getTag();
        // An explicit !!str (the tag differs from what the scalar would resolve to) keeps the text.
        boolean explicitString = Tag.STR.equals(tag) && !tag.equals(RESOLVER.resolve(NodeId.scalar, v, true));
        if (!plain || explicitString || Tag.BINARY.equals(tag)) {
            return JSON.textNode(v);
        }
        switch (v) {
            case "", "~", "null", "Null", "NULL" -> {
                return JSON.nullNode();
            }
            case "true", "True", "TRUE" -> {
                return JSON.booleanNode(true);
            }
            case "false", "False", "FALSE" -> {
                return JSON.booleanNode(false);
            }
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN" -> {
                // Go's JSON encoder cannot write these; kustomize fails on them. Keep the text.
                return JSON.textNode(v);
            }
            default -> {
            }
        }
        char c = v.charAt(0);
        if (!(Character.isDigit(c) || c == '-' || c == '+' || c == '.')) {
            return JSON.textNode(v);
        }
        if (Character.isDigit(c) && TIMESTAMP.matcher(v).matches()) {
            String ts = timestamp(v);
            if (ts != null) {
                return JSON.textNode(ts);
            }
        }
        String p = v.replace("_", "");
        JsonNode n = integer(p);
        if (n != null) {
            return n;
        }
        if (FLOAT.matcher(p).matches()) {
            return number(new BigDecimal(p));
        }
        return JSON.textNode(v);
    }

    /** strconv.ParseInt(s, 0, 64) then ParseUint, then the 0o and 0b forms yaml.v3 adds. */
    private static JsonNode integer(String p) {
        boolean neg = p.startsWith("-");
        String body = p.startsWith("-") || p.startsWith("+") ? p.substring(1) : p;
        int radix = 10;
        String digits = body;
        if (body.startsWith("0x") || body.startsWith("0X")) {
            radix = 16;
            digits = body.substring(2);
        } else if (body.startsWith("0o") || body.startsWith("0O")) {
            radix = 8;
            digits = body.substring(2);
        } else if (body.startsWith("0b") || body.startsWith("0B")) {
            radix = 2;
            digits = body.substring(2);
        } else if (body.length() > 1 && body.startsWith("0")) {
            radix = 8;
            digits = body.substring(1);
        }
        if (digits.isEmpty()) {
            return null;
        }
        try {
            BigInteger b = new BigInteger(digits, radix);
            if (neg) {
                b = b.negate();
            }
            if (b.bitLength() > 64) {
                return null;
            }
            // kustomize's JSON round trip decodes every number as a float64: large integers lose precision.
            return number(new BigDecimal(b));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A number after Go's JSON round trip (a float64): a whole value below 1e21 is written as an integer. */
    private static JsonNode number(BigDecimal d) {
        double dv = d.doubleValue();
        if (dv == Math.rint(dv) && Math.abs(dv) < 1e21) {
            BigInteger i = BigDecimal.valueOf(dv).toBigIntegerExact();
            return i.bitLength() < 64 ? JSON.numberNode(i.longValue()) : JSON.numberNode(i);
        }
        return JSON.numberNode(dv);
    }

    /** Go's time.Time as JSON (RFC 3339, UTC written as Z, fraction without trailing zeros). */
    private static String timestamp(String v) {
        try {
            String s = v.replace('t', 'T').replaceFirst("[ \\t]+", "T");
            if (!s.contains("T")) {
                return LocalDate.parse(pad(s)).atStartOfDay().atOffset(ZoneOffset.UTC)
                        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            }
            String date = pad(s.substring(0, s.indexOf('T')));
            String rest = s.substring(s.indexOf('T') + 1);
            String zone = "Z";
            int z = Math.max(rest.indexOf('Z'), Math.max(rest.indexOf('+'), rest.indexOf('-')));
            if (z >= 0) {
                zone = rest.substring(z);
                rest = rest.substring(0, z);
            }
            String[] hms = rest.split(":");
            String time = String.format("%02d:%02d:%s", Integer.parseInt(hms[0]), Integer.parseInt(hms[1]),
                    hms[2].length() == 1 || hms[2].indexOf('.') == 1 ? "0" + hms[2] : hms[2]);
            if (!zone.equals("Z") && zone.length() < 6) {
                zone = zone.length() <= 3 ? zone.charAt(0) + String.format("%02d", Integer.parseInt(zone.substring(1)))
                        + ":00" : zone;
            }
            OffsetDateTime t = LocalDateTime.parse(date + "T" + time).atOffset(zone.equals("Z") ? ZoneOffset.UTC
                    : ZoneOffset.of(zone));
            String out = t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return out;
        } catch (DateTimeParseException | NumberFormatException | StringIndexOutOfBoundsException e) {
            return null;
        }
    }

    private static String pad(String date) {
        String[] p = date.split("-");
        return String.format("%s-%02d-%02d", p[0], Integer.parseInt(p[1]), Integer.parseInt(p[2]));
    }
}
