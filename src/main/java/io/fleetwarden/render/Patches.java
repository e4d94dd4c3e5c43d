package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The three patch fields. A {@code patches} entry is a JSON 6902 patch when its document is a list (a target
 * is then required) and a strategic-merge patch otherwise; without a target a strategic-merge patch applies to
 * the one object with its id (original or current), with a target to every selected object, whose identity
 * it cannot change. An object a patch deletes ({@code $patch: delete}) leaves the build.
 */
final class Patches {

    private final TreeReader reader;
    private final String dir;
    private final String file;

    Patches(TreeReader reader, String dir, String file) {
        this.reader = reader;
        this.dir = dir;
        this.file = file;
    }

    void patches(JsonNode entries, Accumulator acc) {
        int i = 0;
        for (JsonNode entry : entries) {
            String field = "patches[" + i++ + "]";
            if (!entry.isObject()) {
                throw new RenderException(file, field, "a patch is a mapping with 'path' or 'patch'");
            }
            for (var it = entry.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!List.of("path", "patch", "target").contains(f)) {
                    throw new RenderException(file, field + "." + f, "unsupported patch field (supported: path, patch, "
                            + "target)");
                }
            }
            Loaded p = load(entry, field);
            Selector target = entry.hasNonNull("target") ? Selector.parse(entry.get("target"), file, field + ".target")
                    : null;
            apply(p, target, acc, field);
        }
    }

    void patchesStrategicMerge(JsonNode entries, Accumulator acc) {
        int i = 0;
        for (JsonNode entry : entries) {
            String field = "patchesStrategicMerge[" + i++ + "]";
            String text = entry.asText();
            Loaded p;
            if (!text.contains("\n") && (text.endsWith(".yaml") || text.endsWith(".yml") || text.endsWith(".json"))) {
                String path = reader.resolve(dir, text, file, field);
                p = parse(reader.read(path, file, field), path);
            } else {
                p = parse(text.getBytes(StandardCharsets.UTF_8), file + " " + field);
            }
            if (p.json() != null) {
                throw new RenderException(file, field, "a JSON 6902 patch in patchesStrategicMerge");
            }
            apply(p, null, acc, field);
        }
    }

    void patchesJson6902(JsonNode entries, Accumulator acc) {
        int i = 0;
        for (JsonNode entry : entries) {
            String field = "patchesJson6902[" + i++ + "]";
            for (var it = entry.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!List.of("path", "patch", "target").contains(f)) {
                    throw new RenderException(file, field + "." + f, "unsupported patchesJson6902 field");
                }
            }
            if (!entry.hasNonNull("target")) {
                throw new RenderException(file, field + ".target", "must specify a target for a JSON 6902 patch");
            }
            Loaded p = load(entry, field);
            if (p.json() == null) {
                throw new RenderException(file, field, "not a JSON 6902 patch (a list of operations)");
            }
            apply(p, Selector.parse(entry.get("target"), file, field + ".target"), acc, field);
        }
    }

    private record Loaded(String origin, ArrayNode json, List<ObjectNode> strategic) {
    }

    private Loaded load(JsonNode entry, String field) {
        if (entry.hasNonNull("path") == entry.hasNonNull("patch")) {
            throw new RenderException(file, field, "exactly one of 'path' and 'patch' is needed");
        }
        if (entry.hasNonNull("path")) {
            String path = reader.resolve(dir, entry.get("path").asText(), file, field + ".path");
            return parse(reader.read(path, file, field + ".path"), path);
        }
        return parse(entry.get("patch").asText().getBytes(StandardCharsets.UTF_8), file + " " + field + ".patch");
    }

    private Loaded parse(byte[] bytes, String origin) {
        List<JsonNode> docs = Yaml.documents(origin, bytes);
        reader.countDocuments(docs.size(), origin);
        if (docs.size() == 1 && docs.get(0).isArray()) {
            return new Loaded(origin, JsonPatch.parse(docs.get(0), origin), null);
        }
        List<ObjectNode> smp = new ArrayList<>();
        for (JsonNode d : docs) {
            if (!(d instanceof ObjectNode o)) {
                throw new RenderException(origin, null, "a patch document must be a mapping or a list of operations");
            }
            smp.add(o);
        }
        if (smp.isEmpty()) {
            throw new RenderException(origin, null, "empty patch");
        }
        return new Loaded(origin, null, smp);
    }

    private void apply(Loaded p, Selector target, Accumulator acc, String field) {
        if (p.json() != null) {
            if (target == null) {
                throw new RenderException(file, field, "must specify a target for a JSON 6902 patch");
            }
            for (Resource r : target.select(acc.resources, file, field + ".target")) {
                r.replaceObject(JsonPatch.apply(r.object(), p.json(), p.origin(), r.curId()));
            }
            return;
        }
        for (ObjectNode patch : p.strategic()) {
            if (target == null) {
                ResId id = ResId.of(patch.path("apiVersion").asText(""), patch.path("kind").asText(""),
                        patch.path("metadata").path("name").asText(""), patch.path("metadata").path("namespace")
                                .asText(""));
                if (id.name().isEmpty() || id.kind().isEmpty()) {
                    throw new RenderException(p.origin(), null, "a strategic-merge patch without a target needs kind "
                            + "and metadata.name");
                }
                List<Resource> matches = acc.byAnyId(id);
                if (matches.size() != 1) {
                    throw new RenderException(p.origin(), null, (matches.isEmpty() ? "no resource matches"
                            : "multiple resources match") + " strategic merge patch " + id);
                }
                merge(matches.get(0), patch, acc, p.origin());
            } else {
                for (Resource r : target.select(acc.resources, file, field + ".target")) {
                    ObjectNode copy = patch.deepCopy();
                    copy.put("apiVersion", r.object().path("apiVersion").asText());
                    copy.put("kind", r.kind());
                    ObjectNode meta = copy.get("metadata") instanceof ObjectNode m ? m : copy.putObject("metadata");
                    meta.put("name", r.name());
                    if (r.namespace().isEmpty()) {
                        meta.remove("namespace");
                    } else {
                        meta.put("namespace", r.namespace());
                    }
                    merge(r, copy, acc, p.origin());
                }
            }
        }
    }

    private static void merge(Resource r, ObjectNode patch, Accumulator acc, String origin) {
        String name = r.name();
        String namespace = r.namespace();
        String kind = r.kind();
        ObjectNode merged = StrategicMerge.apply(r.object(), patch, r.curId(), origin);
        if (merged == null || merged.isEmpty()) {
            acc.resources.remove(r);
            return;
        }
        merged.put("kind", kind);
        ObjectNode meta = merged.get("metadata") instanceof ObjectNode m ? m : merged.putObject("metadata");
        meta.put("name", name);
        if (namespace.isEmpty()) {
            meta.remove("namespace");
        } else {
            meta.put("namespace", namespace);
        }
        r.replaceObject(merged);
    }
}
