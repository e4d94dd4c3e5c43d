package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * YAML read as the API server reads it: {@code sigs.k8s.io/yaml} over go-yaml v2, so YAML 1.1 with anchors
 * and aliases resolved, merge keys ({@code <<}) applied, {@code yes}/{@code on} as booleans, timestamps kept as
 * strings, non-string keys turned into strings, and duplicate keys refused (strict field validation, kubectl's
 * default). Reading the same bytes differently from the cluster is how {@code check} and the webhook came to
 * disagree: {@code targetNamespace: *ns} was read as the string "ns" while the cluster saw the anchor's value.
 *
 * <p>Alias expansion is bounded twice: SnakeYAML refuses more than {@link #MAX_COLLECTION_ALIASES} aliases to
 * collections, and the conversion to JSON counts the nodes that aliases add, so a "billion laughs" built from a
 * few doubling aliases is refused with a message instead of filling the heap (SnakeYAML shares aliased
 * objects; it is the expansion into a tree that would blow up).
 */
final class KubeYaml {

    static final int MAX_COLLECTION_ALIASES = 50;
    static final int MAX_DEPTH = 100;
    /** Nodes that aliases may add to one document once expanded; a manifest that needs more is not a manifest. */
    static final int MAX_ALIAS_EXPANSION = 100_000;

    /** A document that cannot be read as the API server would, with where (document index, line) and why. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    private KubeYaml() {
    }

    /** Every document of the stream, in order; an empty document is {@code null}. */
    static List<JsonNode> readAll(String text, int codePointLimit) throws Unreadable {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(codePointLimit);
        options.setAllowRecursiveKeys(false);
        Yaml yaml = new Yaml(new GoYamlConstructor(options));
        List<JsonNode> out = new ArrayList<>();
        Iterator<Object> docs = yaml.loadAll(text).iterator();
        while (true) {
            int index = out.size();
            Object doc;
            try {
                if (!docs.hasNext()) {
                    return out;
                }
                doc = docs.next();
            } catch (YAMLException e) {
                throw new Unreadable("document #" + index + ": " + oneLine(e.getMessage()));
            }
            out.add(new Converter(index).convert(doc, 0, false));
        }
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        return String.join(" ", message.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("^"))
                .toList());
    }

    /** go-yaml v2 decodes timestamps and binary into strings when the target is untyped, as here. */
    private static final class GoYamlConstructor extends SafeConstructor {
        GoYamlConstructor(LoaderOptions options) {
            super(options);
            this.yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
        }
    }

    private static final class Converter {
        private final int index;
        private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        private int aliased;

        Converter(int index) {
            this.index = index;
        }

        JsonNode convert(Object o, int depth, boolean viaAlias) throws Unreadable {
            if (depth > MAX_DEPTH) {
                throw new Unreadable("document #" + index + ": nested deeper than " + MAX_DEPTH
                        + " levels (a recursive alias?)");
            }
            if (o instanceof Map<?, ?> || o instanceof List<?>) {
                // The second visit of the same collection is an alias being expanded.
                viaAlias |= !seen.add(o);
            }
            if (viaAlias && ++aliased > MAX_ALIAS_EXPANSION) {
                throw new Unreadable("document #" + index + ": aliases expand to more than " + MAX_ALIAS_EXPANSION
                        + " nodes (a \"billion laughs\" document?); refused");
            }
            JsonNodeFactory f = JsonNodeFactory.instance;
            if (o == null) {
                return f.nullNode();
            }
            if (o instanceof Map<?, ?> map) {
                ObjectNode node = f.objectNode();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    String key = key(e.getKey());
                    if (node.has(key)) {
                        throw new Unreadable("document #" + index + ": duplicate key \"" + key + "\"");
                    }
                    node.set(key, convert(e.getValue(), depth + 1, viaAlias));
                }
                return node;
            }
            if (o instanceof List<?> list) {
                ArrayNode node = f.arrayNode();
                for (Object v : list) {
                    node.add(convert(v, depth + 1, viaAlias));
                }
                return node;
            }
            if (o instanceof String s) {
                return f.textNode(s);
            }
            if (o instanceof Boolean b) {
                return f.booleanNode(b);
            }
            if (o instanceof Integer i) {
                return f.numberNode(i);
            }
            if (o instanceof Long l) {
                return f.numberNode(l);
            }
            if (o instanceof BigInteger b) {
                return f.numberNode(b);
            }
            if (o instanceof Double d) {
                if (d.isNaN() || d.isInfinite()) {
                    throw new Unreadable("document #" + index + ": " + d + " has no JSON form");
                }
                return f.numberNode(d);
            }
            if (o instanceof byte[] bytes) {
                return f.textNode(new String(bytes, StandardCharsets.UTF_8));
            }
            throw new Unreadable("document #" + index + ": unsupported value of type " + o.getClass().getSimpleName()
                    + " (sets and ordered maps have no JSON form)");
        }

        /** sigs.k8s.io/yaml turns scalar keys into their string form and refuses the rest. */
        private String key(Object k) throws Unreadable {
            if (k instanceof String s) {
                return s;
            }
            if (k instanceof Number || k instanceof Boolean) {
                return k.toString();
            }
            throw new Unreadable("document #" + index + ": unsupported map key "
                    + (k == null ? "null" : "of type " + k.getClass().getSimpleName()));
        }
    }
}
