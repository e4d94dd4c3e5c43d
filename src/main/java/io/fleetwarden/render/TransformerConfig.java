package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which fields each transformer touches: kustomize's defaults (copied verbatim from kustomize v5.8.1 into
 * {@code kustomize-fieldspecs.yaml}) plus what a kustomization's {@code configurations} add. The
 * configuration travels up with the resources, as kustomize merges it into the parent's accumulator.
 */
final class TransformerConfig {

    static final Set<String> SECTIONS = Set.of("namePrefix", "nameSuffix", "commonLabels", "templateLabels",
            "commonAnnotations", "namespace", "nameReference", "images", "replicas");

    /** A kind others refer to by name, and where they do. */
    record NameReference(String group, String version, String kind, List<FieldSpec> referrers) {
    }

    private final Map<String, List<FieldSpec>> specs = new LinkedHashMap<>();
    private final List<NameReference> nameReferences = new ArrayList<>();

    /**
     * kustomize's built-in field specs, a fresh copy for one build (a build merges its own configurations into it).
     * Parsed once: merging the several hundred built-in specs again for every build was a sizeable part of a
     * small overlay's build.
     */
    static TransformerConfig defaults() {
        return DEFAULTS.copy();
    }

    List<FieldSpec> specs(String section) {
        return specs.getOrDefault(section, List.of());
    }

    List<NameReference> nameReferences() {
        return nameReferences;
    }

    void mergeAll(TransformerConfig other) {
        other.specs.forEach((k, v) -> v.forEach(fs -> add(k, fs)));
        other.nameReferences.forEach(this::addNameReference);
    }

    /** Merges one configuration file (kustomize's TransformerConfig format). */
    void merge(ObjectNode config, String file) {
        for (var it = config.fields(); it.hasNext();) {
            var e = it.next();
            String section = e.getKey();
            if (!SECTIONS.contains(section)) {
                throw new RenderException(file, section, "unsupported transformer configuration section (supported: "
                        + String.join(", ", SECTIONS.stream().sorted().toList()) + ")");
            }
            if (e.getValue().isNull()) {
                continue;
            }
            if (!e.getValue().isArray()) {
                throw new RenderException(file, section, "expected a list");
            }
            int i = 0;
            for (JsonNode n : e.getValue()) {
                String field = section + "[" + i++ + "]";
                if (section.equals("nameReference")) {
                    List<FieldSpec> refs = new ArrayList<>();
                    int j = 0;
                    for (JsonNode fs : n.path("fieldSpecs")) {
                        refs.add(FieldSpec.parse(fs, file, field + ".fieldSpecs[" + j++ + "]"));
                    }
                    if (!n.path("kind").isTextual()) {
                        throw new RenderException(file, field, "a nameReference needs a 'kind'");
                    }
                    addNameReference(new NameReference(n.path("group").asText(""), n.path("version").asText(""),
                            n.path("kind").asText(), refs));
                } else {
                    add(section, FieldSpec.parse(n, file, field));
                }
            }
        }
    }

    private void add(String section, FieldSpec fs) {
        List<FieldSpec> list = specs.computeIfAbsent(section, k -> new ArrayList<>());
        if (!list.contains(fs)) {
            list.add(fs);
        }
    }

    private void addNameReference(NameReference ref) {
        for (int i = 0; i < nameReferences.size(); i++) {
            NameReference r = nameReferences.get(i);
            if (r.group().equals(ref.group()) && r.version().equals(ref.version()) && r.kind().equals(ref.kind())) {
                List<FieldSpec> merged = new ArrayList<>(r.referrers());
                ref.referrers().stream().filter(f -> !merged.contains(f)).forEach(merged::add);
                nameReferences.set(i, new NameReference(r.group(), r.version(), r.kind(), merged));
                return;
            }
        }
        nameReferences.add(ref);
    }

    /** The same configuration, sharing nothing mutable with this one (its specs and references are immutable). */
    TransformerConfig copy() {
        TransformerConfig c = new TransformerConfig();
        specs.forEach((section, list) -> c.specs.put(section, new ArrayList<>(list)));
        c.nameReferences.addAll(nameReferences);
        return c;
    }

    private static final TransformerConfig DEFAULTS = load();

    private static TransformerConfig load() {
        try (InputStream in = TransformerConfig.class.getResourceAsStream("kustomize-fieldspecs.yaml")) {
            if (in == null) {
                throw new IllegalStateException("kustomize-fieldspecs.yaml missing from the classpath");
            }
            TransformerConfig c = new TransformerConfig();
            c.merge(Yaml.object("kustomize-fieldspecs.yaml", in.readAllBytes()), "kustomize-fieldspecs.yaml");
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
