package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a kustomization directory the way kustomize-controller does with kustomize v5.8.1: resources,
 * components, generators, patches and the built-in transformers in kustomize's order, content hashes and name
 * references fixed last, objects in declaration order (kustomize-controller does not reorder; the
 * {@code kustomize build} CLI's legacy ordering is not applied). A directory without a kustomization gets
 * the one kustomize-controller generates ({@link GeneratedKustomization}).
 *
 * <p>Files may be read from anywhere inside the {@link SourceTree} (kustomize-controller builds with load
 * restrictions off, confined to the artifact); remote bases are refused, as is every field this builder does
 * not implement, naming the field and the file. See docs/kustomize.md.
 */
public final class KustomizeBuilder {

    static final List<String> KUSTOMIZATION_FILES = List.of("kustomization.yaml", "kustomization.yml",
            "Kustomization");

    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "metadata", "resources", "bases",
            "components", "patches", "patchesStrategicMerge", "patchesJson6902", "configMapGenerator",
            "secretGenerator", "generatorOptions", "namespace", "namePrefix", "nameSuffix", "labels", "commonLabels",
            "commonAnnotations", "images", "replicas", "configurations", "sortOptions", "buildMetadata");

    /** kustomize's annotation naming where an object came from, with {@code buildMetadata: [originAnnotations]}. */
    static final String ORIGIN_ANNOTATION = "config.kubernetes.io/origin";

    private final TreeReader reader;
    private final Deque<String> stack = new ArrayDeque<>();
    /**
     * With the top kustomization's {@code buildMetadata: [originAnnotations]}: the path, from the top directory, of
     * the kustomization being accumulated, through the entries that led to it ("" at the top), as kustomize's
     * {@code origin.path}; null without (kustomize's nil origin). Only the top's buildMetadata counts: kustomize
     * gives every base and component the top's.
     */
    private String origin;

    private KustomizeBuilder(SourceTree tree, Limits limits) {
        this.reader = new TreeReader(tree, limits);
    }

    /** The built objects of {@code directory} (a tree path, "" for the root), with the default limits. */
    public static List<ObjectNode> build(SourceTree tree, String directory) {
        return build(tree, directory, Limits.DEFAULT);
    }

    public static List<ObjectNode> build(SourceTree tree, String directory, Limits limits) {
        KustomizeBuilder b = new KustomizeBuilder(tree, limits);
        String dir = b.reader.resolve("", directory, directory, "path");
        if (!tree.isDirectory(dir)) {
            throw new RenderException(directory, null, "not a directory of the source");
        }
        Accumulator acc = b.target(dir, false, null);
        for (Resource r : acc.resources) {
            if (r.needsHash()) {
                r.setName(r.name() + "-" + NameHash.of(r.object()));
            }
        }
        NameReferences.fix(acc.resources, acc.config);
        List<ObjectNode> out = new ArrayList<>();
        acc.resources.forEach(r -> out.add(r.object()));
        return out;
    }

    private Accumulator target(String dir, boolean component, Accumulator parent) {
        if (stack.contains(dir)) {
            List<String> path = new ArrayList<>(stack);
            java.util.Collections.reverse(path);
            throw new RenderException(dir, null, "cycle: " + String.join(" -> ", path) + " -> " + dir);
        }
        if (stack.size() >= reader.limits().maxDepth()) {
            throw new RenderException(dir, null, "kustomizations nested deeper than " + reader.limits().maxDepth()
                    + " (limit maxDepth)");
        }
        stack.push(dir);
        try {
            return accumulate(dir, component, parent);
        } finally {
            stack.pop();
        }
    }

    private Accumulator accumulate(String dir, boolean component, Accumulator parent) {
        String file;
        ObjectNode k;
        String existing = kustomizationFile(dir);
        if (existing == null) {
            if (component) {
                throw new RenderException(dir, null, "a component directory needs a kustomization.yaml");
            }
            file = TreeReader.join(dir, "kustomization.yaml") + " (generated)";
            k = GeneratedKustomization.of(reader, dir);
        } else {
            file = existing;
            k = Yaml.object(file, reader.read(file, dir, null));
        }
        check(k, file, component);
        if (stack.size() == 1) {
            origin = list(k, "buildMetadata", file).isEmpty() ? null : "";
        }
        Accumulator acc = component ? parent : new Accumulator(TransformerConfig.defaults());
        List<JsonNode> resources = new ArrayList<>();
        list(k, "resources", file).forEach(resources::add);
        list(k, "bases", file).forEach(resources::add);
        int i = 0;
        for (JsonNode res : resources) {
            resource(dir, res.asText(), acc, file, "resources[" + i++ + "]");
        }
        i = 0;
        for (JsonNode c : list(k, "configurations", file)) {
            String field = "configurations[" + i++ + "]";
            String path = reader.resolve(dir, c.asText(), file, field);
            acc.config.merge(Yaml.object(path, reader.read(path, file, field)), path);
        }
        ObjectNode global = k.get("generatorOptions") instanceof ObjectNode o ? o : null;
        generators(k, "configMapGenerator", false, global, dir, file, acc);
        generators(k, "secretGenerator", true, global, dir, file, acc);
        i = 0;
        for (JsonNode c : list(k, "components", file)) {
            String field = "components[" + i++ + "]";
            String path = reader.resolve(dir, c.asText(), file, field);
            if (!reader.isDirectory(path)) {
                throw new RenderException(file, field, "'" + c.asText() + "' is not a directory");
            }
            String saved = origin;
            origin = origin == null ? null : joinOrigin(origin, c.asText());
            try {
                target(path, true, acc);
            } finally {
                origin = saved;
            }
        }
        transform(k, dir, file, acc);
        return acc;
    }

    private void transform(ObjectNode k, String dir, String file, Accumulator acc) {
        Patches patches = new Patches(reader, dir, file);
        patches.patchesStrategicMerge(list(k, "patchesStrategicMerge", file), acc);
        transformed(acc, file, "PatchStrategicMergeTransformer");
        patches.patches(list(k, "patches", file), acc);
        transformed(acc, file, "PatchTransformer");
        String namespace = text(k, "namespace", file);
        if (!namespace.isEmpty()) {
            Transformers.namespace(acc.resources, namespace, acc.config);
        }
        Transformers.prefixSuffix(acc.resources, text(k, "namePrefix", file), text(k, "nameSuffix", file), acc.config);
        int i = 0;
        for (JsonNode label : list(k, "labels", file)) {
            labels(label, file, "labels[" + i++ + "]", acc);
        }
        Transformers.addToMaps(acc.resources, stringMap(k, "commonLabels", file), acc.config.specs("commonLabels"));
        Transformers.addToMaps(acc.resources, stringMap(k, "commonAnnotations", file),
                acc.config.specs("commonAnnotations"));
        patches.patchesJson6902(list(k, "patchesJson6902", file), acc);
        transformed(acc, file, "PatchJson6902Transformer");
        i = 0;
        for (JsonNode r : list(k, "replicas", file)) {
            String field = "replicas[" + i++ + "]";
            only(r, file, field, "name", "count");
            if (!r.path("name").isTextual() || !r.path("count").canConvertToLong()) {
                throw new RenderException(file, field, "a replicas entry needs a name and an integer count");
            }
            boolean found = acc.resources.stream().anyMatch(res -> res.allIds().stream()
                    .anyMatch(id -> id.name().equals(r.get("name").asText())
                            && acc.config.specs("replicas").stream().anyMatch(fs -> fs.appliesTo(id))));
            if (!found) {
                throw new RenderException(file, field, "resource with name " + r.get("name").asText()
                        + " does not match a config with a replicas field (Deployment, ReplicationController, "
                        + "ReplicaSet, StatefulSet)");
            }
            Transformers.replicas(acc.resources, r.get("name").asText(), r.get("count").asLong(), acc.config);
        }
        i = 0;
        for (JsonNode img : list(k, "images", file)) {
            String field = "images[" + i++ + "]";
            only(img, file, field, "name", "newName", "newTag", "digest");
            if (img.path("name").asText("").isEmpty()) {
                throw new RenderException(file, field + ".name", "an images entry needs a name");
            }
            Transformers.image(acc.resources, img.get("name").asText(), img.path("newName").asText(""),
                    img.path("newTag").asText(""), img.path("digest").asText(""), acc.config);
        }
    }

    /**
     * kustomize's rule after each of a kustomization's builtin transformers, with origin tracking on: an object
     * without an origin (a patch replaced its annotations, which held it) is taken to be the transformer's, and gets
     * {@code configuredIn} the kustomization file and {@code configuredBy} the transformer. Only patches can remove
     * an annotation map, so only they are followed by this step.
     */
    private void transformed(Accumulator acc, String file, String transformerKind) {
        if (origin == null) {
            return;
        }
        String text = "configuredIn: " + originScalar(joinOrigin(origin, file.substring(file.lastIndexOf('/') + 1)))
                + "\nconfiguredBy:\n  apiVersion: builtin\n  kind: " + transformerKind + "\n";
        for (Resource r : acc.resources) {
            annotateOrigin(r.object(), text);
        }
    }

    private void labels(JsonNode label, String file, String field, Accumulator acc) {
        only(label, file, field, "pairs", "includeSelectors", "includeTemplates", "fields");
        Map<String, String> pairs = stringMap(label, "pairs", file);
        List<FieldSpec> specs = new ArrayList<>();
        int j = 0;
        for (JsonNode f : label.path("fields")) {
            specs.add(FieldSpec.parse(f, file, field + ".fields[" + j++ + "]"));
        }
        if (label.path("includeSelectors").asBoolean(false)) {
            specs.addAll(acc.config.specs("commonLabels"));
        } else {
            specs.add(new FieldSpec("", "", "", "metadata/labels", true));
            if (label.path("includeTemplates").asBoolean(false)) {
                specs.addAll(acc.config.specs("templateLabels"));
            }
        }
        Transformers.addToMaps(acc.resources, pairs, specs);
    }

    private void generators(ObjectNode k, String field, boolean secret, ObjectNode global, String dir, String file,
            Accumulator acc) {
        int i = 0;
        for (JsonNode spec : list(k, field, file)) {
            String f = field + "[" + i++ + "]";
            Resource generated = Generators.generate(spec, secret, global, dir, file, f, reader);
            if (origin != null) {
                annotateOrigin(generated.object(), "configuredIn: " + originScalar(joinOrigin(origin,
                        file.substring(file.lastIndexOf('/') + 1))) + "\nconfiguredBy:\n  apiVersion: builtin\n  kind: "
                        + (secret ? "SecretGenerator" : "ConfigMapGenerator") + "\n");
            }
            List<Resource> matches = acc.byAnyId(generated.curId());
            String behavior = generated.behavior();
            if (matches.isEmpty()) {
                if (!behavior.equals("create")) {
                    throw new RenderException(file, f, "id " + generated.curId() + " does not exist; cannot merge or "
                            + "replace");
                }
                acc.resources.add(generated);
                continue;
            }
            if (matches.size() > 1 || behavior.equals("create")) {
                throw new RenderException(file, f, matches.size() > 1 ? "found multiple objects that could accept "
                        + "merge of " + generated.curId() : "id " + generated.curId() + " exists; behavior must be "
                        + "merge or replace");
            }
            Resource old = matches.get(0);
            ObjectNode merged = generated.object();
            ObjectNode meta = (ObjectNode) merged.get("metadata");
            ObjectNode labels = old.object().path("metadata").path("labels").deepCopy() instanceof ObjectNode l
                    ? l : merged.objectNode();
            if (meta.get("labels") instanceof ObjectNode nl) {
                labels.setAll(nl);
            }
            ObjectNode annotations = old.object().path("metadata").path("annotations").deepCopy()
                    instanceof ObjectNode a ? a : merged.objectNode();
            if (meta.get("annotations") instanceof ObjectNode na) {
                annotations.setAll(na);
            }
            setOrRemove(meta, "labels", labels);
            setOrRemove(meta, "annotations", annotations);
            meta.put("name", old.name());
            if (old.namespace().isEmpty()) {
                meta.remove("namespace");
            } else {
                meta.put("namespace", old.namespace());
            }
            if (behavior.equals("merge")) {
                for (String data : List.of("data", "binaryData")) {
                    if (old.object().get(data) instanceof ObjectNode od) {
                        ObjectNode combined = od.deepCopy();
                        if (merged.get(data) instanceof ObjectNode nd) {
                            combined.setAll(nd);
                        }
                        merged.set(data, combined);
                    }
                }
            }
            Resource replacement = new Resource(merged, old.origin()).copyHistoryFrom(old);
            replacement.needsHash(generated.needsHash());
            acc.resources.set(acc.resources.indexOf(old), replacement);
        }
    }

    private static void setOrRemove(ObjectNode meta, String field, ObjectNode value) {
        if (value.isEmpty()) {
            meta.remove(field);
        } else {
            meta.set(field, value);
        }
    }

    private void resource(String dir, String entry, Accumulator acc, String file, String field) {
        String path = reader.resolve(dir, entry, file, field);
        if (reader.isDirectory(path)) {
            String saved = origin;
            origin = origin == null ? null : joinOrigin(origin, entry);
            Accumulator sub;
            try {
                sub = target(path, false, null);
            } finally {
                origin = saved;
            }
            for (Resource r : sub.resources) {
                acc.add(r, file, field);
            }
            acc.config.mergeAll(sub.config);
            return;
        }
        byte[] bytes = reader.read(path, file, field);
        List<JsonNode> docs = Yaml.documents(path, bytes);
        reader.countDocuments(docs.size(), path);
        String originText = origin == null ? null : "path: " + originScalar(joinOrigin(origin, entry)) + "\n";
        int d = 0;
        for (JsonNode doc : docs) {
            String where = "document " + d++;
            if (!(doc instanceof ObjectNode o)) {
                throw new RenderException(path, where, "a resource must be a mapping");
            }
            if (originText != null) {
                annotateOrigin(o, originText);
            }
            if (o.path("kind").asText("").equals("Kustomization") && o.path("apiVersion").asText("")
                    .startsWith("kustomize.config.k8s.io/") || o.path("kind").asText("").equals("Component")) {
                throw new RenderException(file, field, "'" + entry + "' is a kustomization file; list its directory");
            }
            if (o.path("kind").asText("").endsWith("List") && o.get("items") instanceof com.fasterxml.jackson.databind.node.ArrayNode items) {
                for (JsonNode item : items) {
                    if (!(item instanceof ObjectNode io)) {
                        throw new RenderException(path, where + ".items", "a list item must be a mapping");
                    }
                    acc.add(object(io, path, where), file, field);
                }
                continue;
            }
            acc.add(object(o, path, where), file, field);
        }
    }

    private static Resource object(ObjectNode o, String path, String where) {
        if (o.path("kind").asText("").isEmpty()) {
            throw new RenderException(path, where + ".kind", "missing kind in a resource");
        }
        if (o.path("metadata").path("name").asText("").isEmpty()) {
            throw new RenderException(path, where + ".metadata.name", "missing metadata.name in a resource");
        }
        return new Resource(o, path);
    }

    /** The kustomization file of a directory, null when there is none; two of them are an error, as in kustomize. */
    String kustomizationFile(String dir) {
        List<String> found = new ArrayList<>();
        for (String name : KUSTOMIZATION_FILES) {
            String p = TreeReader.join(dir, name);
            if (reader.tree().read(p).isPresent()) {
                found.add(p);
            }
        }
        if (found.size() > 1) {
            throw new RenderException(dir, null, "found multiple kustomization files: " + found);
        }
        return found.isEmpty() ? null : found.get(0);
    }

    /** kustomize sets the origin on every object of a file, and on a generator's objects that have none yet. */
    private static void annotateOrigin(ObjectNode o, String text) {
        ObjectNode meta = o.get("metadata") instanceof ObjectNode m ? m : o.putObject("metadata");
        ObjectNode annotations = meta.get("annotations") instanceof ObjectNode a ? a : meta.putObject("annotations");
        if (!annotations.has(ORIGIN_ANNOTATION)) {
            annotations.put(ORIGIN_ANNOTATION, text);
        }
    }

    /**
     * A path as kustomize's YAML encoder (yaml.v3) writes it in the origin annotation: plain when it is made of
     * ordinary path characters and reads back as that string, double-quoted otherwise.
     */
    static String originScalar(String path) {
        if (path.matches("[A-Za-z0-9._/][A-Za-z0-9._/-]*")) {
            List<JsonNode> back = Yaml.documents("origin", ("v: " + path).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (back.size() == 1 && back.get(0).path("v").isTextual() && back.get(0).path("v").asText().equals(path)) {
                return path;
            }
        }
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(path).toString();
    }

    /** Go's {@code filepath.Join(base, entry)} on slash paths: joined and cleaned, leading ".." kept. */
    static String joinOrigin(String base, String entry) {
        Deque<String> parts = new ArrayDeque<>();
        for (String p : ((base.isEmpty() ? "" : base + "/") + entry).split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..") && !parts.isEmpty() && !parts.peekLast().equals("..")) {
                parts.removeLast();
            } else {
                parts.addLast(p);
            }
        }
        return parts.isEmpty() ? "." : String.join("/", parts);
    }

    private static void check(ObjectNode k, String file, boolean component) {
        for (var it = k.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!SUPPORTED.contains(f)) {
                throw new RenderException(file, f, "field not supported by fleetwarden's kustomize builder (see "
                        + "docs/kustomize.md)");
            }
        }
        String kind = k.path("kind").asText("Kustomization");
        if (component && !kind.equals("Component")) {
            throw new RenderException(file, "kind", "a component must have kind Component, not " + kind);
        }
        if (!component && !kind.equals("Kustomization")) {
            throw new RenderException(file, "kind", "expected kind Kustomization, not " + kind
                    + (kind.equals("Component") ? " (list it under components)" : ""));
        }
        for (JsonNode m : list(k, "buildMetadata", file)) {
            if (!m.asText().equals("originAnnotations")) {
                throw new RenderException(file, "buildMetadata", "only originAnnotations is supported, not '"
                        + m.asText() + "'");
            }
        }
        JsonNode sort = k.get("sortOptions");
        if (sort != null && !sort.path("order").asText("").equals("fifo")) {
            throw new RenderException(file, "sortOptions", "only order: fifo is supported (legacy ordering is not)");
        }
        boolean empty = true;
        for (var it = k.fieldNames(); it.hasNext();) {
            String f = it.next();
            empty &= f.equals("apiVersion") || f.equals("kind");
        }
        if (empty) {
            // kustomize's CheckEmpty: nothing but type metadata is an error, not an empty build.
            throw new RenderException(file, null, "kustomization is empty");
        }
    }

    private static JsonNode list(ObjectNode k, String field, String file) {
        JsonNode n = k.get(field);
        if (n == null || n.isNull()) {
            return k.arrayNode();
        }
        if (!n.isArray()) {
            throw new RenderException(file, field, "expected a list");
        }
        return n;
    }

    private static String text(ObjectNode k, String field, String file) {
        JsonNode n = k.get(field);
        if (n == null || n.isNull()) {
            return "";
        }
        if (!n.isValueNode()) {
            throw new RenderException(file, field, "expected a string");
        }
        return n.asText();
    }

    private static Map<String, String> stringMap(JsonNode k, String field, String file) {
        JsonNode n = k.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            throw new RenderException(file, field, "expected a map of strings");
        }
        n.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode()) {
                throw new RenderException(file, field + "." + e.getKey(), "expected a string");
            }
            out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText());
        });
        return out;
    }

    private static void only(JsonNode n, String file, String field, String... allowed) {
        if (!n.isObject()) {
            throw new RenderException(file, field, "expected a mapping");
        }
        List<String> ok = List.of(allowed);
        for (var it = n.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!ok.contains(f)) {
                throw new RenderException(file, field + "." + f, "unsupported field (supported: "
                        + String.join(", ", ok) + ")");
            }
        }
    }
}
