package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code configMapGenerator} and {@code secretGenerator}: data from {@code literals} ({@code k=v}, quotes
 * stripped), {@code files} ({@code path} or {@code key=path}; non-UTF-8 content goes to {@code binaryData})
 * and {@code envs} ({@code KEY=value} lines), options merged with {@code generatorOptions} the way kustomize
 * does (the global labels and annotations win), and a content-hash suffix unless disabled.
 */
final class Generators {

    private static final List<String> FIELDS = List.of("name", "namespace", "behavior", "literals", "files", "envs",
            "env", "options", "type", "kvSources");
    private static final Pattern KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Generators() {
    }

    static Resource generate(JsonNode spec, boolean secret, ObjectNode globalOptions, String dir, String file,
            String field, TreeReader reader) {
        if (!spec.isObject()) {
            throw new RenderException(file, field, "expected a mapping");
        }
        for (var it = spec.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!FIELDS.contains(f) || f.equals("kvSources") || (!secret && f.equals("type"))) {
                throw new RenderException(file, field + "." + f, "unsupported generator field");
            }
        }
        String name = spec.path("name").asText("");
        if (name.isEmpty()) {
            throw new RenderException(file, field + ".name", "a generator needs a name");
        }
        String behavior = spec.path("behavior").asText("create");
        if (!List.of("create", "merge", "replace").contains(behavior)) {
            throw new RenderException(file, field + ".behavior", "must be create, merge or replace, not '" + behavior + "'");
        }
        Map<String, String> text = new LinkedHashMap<>();
        Map<String, byte[]> binary = new LinkedHashMap<>();
        for (JsonNode env : envFiles(spec)) {
            String path = reader.resolve(dir, env.asText(), file, field + ".envs");
            String content = new String(reader.read(path, file, field + ".envs"), StandardCharsets.UTF_8);
            envLines(content, path, text, file, field);
        }
        int i = 0;
        for (JsonNode f : spec.path("files")) {
            String fieldI = field + ".files[" + i++ + "]";
            String source = f.asText();
            String key;
            String rel;
            int eq = source.indexOf('=');
            if (eq >= 0) {
                key = source.substring(0, eq);
                rel = source.substring(eq + 1);
            } else {
                rel = source;
                key = rel.substring(rel.lastIndexOf('/') + 1);
            }
            byte[] content = reader.read(reader.resolve(dir, rel, file, fieldI), file, fieldI);
            String utf8 = utf8(content);
            if (utf8 != null) {
                put(text, binary, key, utf8, null, file, fieldI);
            } else {
                put(text, binary, key, null, content, file, fieldI);
            }
        }
        i = 0;
        for (JsonNode l : spec.path("literals")) {
            String fieldI = field + ".literals[" + i++ + "]";
            String s = l.asText();
            int eq = s.indexOf('=');
            if (eq < 0) {
                throw new RenderException(file, fieldI, "a literal is key=value, not '" + s + "'");
            }
            put(text, binary, s.substring(0, eq), unquote(s.substring(eq + 1)), null, file, fieldI);
        }

        ObjectNode options = mergeOptions(spec.path("options"), globalOptions, file, field);
        ObjectNode o = JSON.objectNode();
        o.put("apiVersion", "v1");
        o.put("kind", secret ? "Secret" : "ConfigMap");
        ObjectNode meta = o.putObject("metadata");
        meta.put("name", name);
        if (spec.hasNonNull("namespace")) {
            meta.put("namespace", spec.path("namespace").asText());
        }
        if (options.path("labels").size() > 0) {
            meta.set("labels", options.get("labels"));
        }
        if (options.path("annotations").size() > 0) {
            meta.set("annotations", options.get("annotations"));
        }
        if (secret) {
            o.put("type", spec.path("type").asText("Opaque"));
        }
        if (!text.isEmpty() || secret && !binary.isEmpty()) {
            ObjectNode data = o.putObject("data");
            new TreeMap<>(text).forEach((k, v) -> data.put(k, secret ? secretBase64(v.getBytes(StandardCharsets.UTF_8)) : v));
            if (secret) {
                new TreeMap<>(binary).forEach((k, v) -> data.put(k, secretBase64(v)));
            }
        }
        if (!secret && !binary.isEmpty()) {
            ObjectNode data = o.putObject("binaryData");
            new TreeMap<>(binary).forEach((k, v) -> data.put(k, base64(v)));
        }
        if (options.path("immutable").asBoolean(false)) {
            o.put("immutable", true);
        }
        Resource r = new Resource(o, file);
        r.behavior(behavior);
        r.needsHash(!options.path("disableNameSuffixHash").asBoolean(false));
        return r;
    }

    private static Iterable<JsonNode> envFiles(JsonNode spec) {
        var list = JSON.arrayNode();
        spec.path("envs").forEach(list::add);
        if (spec.hasNonNull("env")) {
            list.add(spec.get("env"));
        }
        return list;
    }

    /** kustomize's env files: blank lines and {@code #} comments skipped, {@code KEY=value}, value kept as is. */
    private static void envLines(String content, String path, Map<String, String> text, String file, String field) {
        if (content.startsWith("\uFEFF")) {
            content = content.substring(1);
        }
        int n = 0;
        for (String line : content.split("\n", -1)) {
            n++;
            String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            String trimmed = l.stripLeading();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            if (eq < 0) {
                throw new RenderException(path, "line " + n, "'" + trimmed + "' has no '=': fleetwarden does not read "
                        + "values from its own environment");
            }
            String key = trimmed.substring(0, eq);
            if (!key.matches("[A-Za-z_.-][A-Za-z0-9_.-]*")) {
                throw new RenderException(path, "line " + n, "'" + key + "' is not a valid variable name");
            }
            if (text.containsKey(key)) {
                throw new RenderException(file, field, "key '" + key + "' appears twice");
            }
            text.put(key, trimmed.substring(eq + 1));
        }
    }

    private static void put(Map<String, String> text, Map<String, byte[]> binary, String key, String value,
            byte[] bytes, String file, String field) {
        if (!KEY.matcher(key).matches()) {
            throw new RenderException(file, field, "'" + key + "' is not a valid ConfigMap/Secret key");
        }
        if (text.containsKey(key) || binary.containsKey(key)) {
            throw new RenderException(file, field, "key '" + key + "' appears twice");
        }
        if (value != null) {
            text.put(key, value);
        } else {
            binary.put(key, bytes);
        }
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** generatorOptions then the generator's own options: the generator's labels and annotations win. */
    static ObjectNode mergeOptions(JsonNode local, ObjectNode global, String file, String field) {
        ObjectNode out = JSON.objectNode();
        ObjectNode labels = out.putObject("labels");
        ObjectNode annotations = out.putObject("annotations");
        for (JsonNode opts : new JsonNode[] {global, local}) {
            if (opts == null || opts.isMissingNode() || opts.isNull()) {
                continue;
            }
            for (var it = opts.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!List.of("labels", "annotations", "disableNameSuffixHash", "immutable").contains(f)) {
                    throw new RenderException(file, (opts == global ? "generatorOptions" : field + ".options") + "." + f,
                            "unsupported generator option");
                }
            }
            opts.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            opts.path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
            if (opts.path("disableNameSuffixHash").asBoolean(false)) {
                out.put("disableNameSuffixHash", true);
            }
            if (opts.path("immutable").asBoolean(false)) {
                out.put("immutable", true);
            }
        }
        return out;
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** kustomize's encodeBase64 for Secret data: lines of 70 characters, each ending in a newline once there are two. */
    private static String secretBase64(byte[] b) {
        String enc = base64(b);
        int lineLen = 70;
        if (enc.length() / lineLen + 1 <= 1) {
            return enc;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < enc.length(); i += lineLen) {
            sb.append(enc, i, Math.min(enc.length(), i + lineLen)).append('\n');
        }
        return sb.toString();
    }
}
