package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a Flux {@code Kustomization}'s own spec adds to the kustomization at {@code spec.path}, merged into that
 * kustomization before the build as kustomize-controller's generator does: {@code targetNamespace} becomes the
 * kustomize {@code namespace}, {@code namePrefix}/{@code nameSuffix} replace the file's, {@code patches},
 * {@code images} and {@code components} are appended, and {@code commonMetadata} becomes labels (without
 * selectors) and common annotations. A directory without a kustomization file gets Flux's generated one first.
 *
 * @param patches    {@code spec.patches} entries ({@code patch} and optional {@code target}), as the CRD has them
 * @param images     {@code spec.images} entries, as kustomize's {@code images}
 * @param components paths relative to {@code spec.path}
 */
public record FluxOverlay(String targetNamespace, String namePrefix, String nameSuffix, List<JsonNode> patches,
        List<JsonNode> images, List<String> components, Map<String, String> commonLabels,
        Map<String, String> commonAnnotations) {

    public static final FluxOverlay NONE = new FluxOverlay(null, null, null, List.of(), List.of(), List.of(), Map.of(),
            Map.of());

    public FluxOverlay {
        patches = List.copyOf(patches);
        images = List.copyOf(images);
        components = List.copyOf(components);
        commonLabels = Map.copyOf(commonLabels);
        commonAnnotations = Map.copyOf(commonAnnotations);
    }

    /** The objects a Flux Kustomization with this overlay builds at {@code path} of {@code tree}. */
    public List<ObjectNode> build(SourceTree tree, String path, Limits limits) {
        if (this.equals(NONE)) {
            return KustomizeBuilder.build(tree, path, limits);
        }
        String dir = path;
        String file = null;
        ObjectNode kustomization = null;
        for (String name : KustomizeBuilder.KUSTOMIZATION_FILES) {
            String candidate = TreeReader.join(dir, name);
            Optional<byte[]> bytes = tree.read(candidate);
            if (bytes.isPresent()) {
                file = candidate;
                kustomization = Yaml.object(candidate, bytes.get());
                break;
            }
        }
        if (kustomization == null) {
            if (!tree.isDirectory(dir)) {
                throw new RenderException(dir, null, "spec.path: no such directory in the artifact");
            }
            file = TreeReader.join(dir, "kustomization.yaml");
            kustomization = GeneratedKustomization.of(tree, dir);
        }
        merge(kustomization);
        Map<String, byte[]> replaced = new HashMap<>();
        replaced.put(file, Yaml.write(kustomization).getBytes(StandardCharsets.UTF_8));
        return KustomizeBuilder.build(new Overridden(tree, replaced), path, limits);
    }

    private void merge(ObjectNode k) {
        if (targetNamespace != null && !targetNamespace.isEmpty()) {
            k.put("namespace", targetNamespace);
        }
        if (namePrefix != null && !namePrefix.isEmpty()) {
            k.put("namePrefix", namePrefix);
        }
        if (nameSuffix != null && !nameSuffix.isEmpty()) {
            k.put("nameSuffix", nameSuffix);
        }
        append(k, "patches", patches);
        append(k, "images", images);
        if (!components.isEmpty()) {
            ArrayNode a = k.has("components") && k.get("components").isArray() ? (ArrayNode) k.get("components")
                    : k.putArray("components");
            components.forEach(a::add);
        }
        if (!commonLabels.isEmpty()) {
            ArrayNode labels = k.has("labels") && k.get("labels").isArray() ? (ArrayNode) k.get("labels")
                    : k.putArray("labels");
            ObjectNode entry = labels.addObject();
            ObjectNode pairs = entry.putObject("pairs");
            commonLabels.forEach(pairs::put);
        }
        if (!commonAnnotations.isEmpty()) {
            ObjectNode a = k.has("commonAnnotations") && k.get("commonAnnotations").isObject()
                    ? (ObjectNode) k.get("commonAnnotations") : k.putObject("commonAnnotations");
            commonAnnotations.forEach(a::put);
        }
    }

    private static void append(ObjectNode k, String field, List<JsonNode> entries) {
        if (entries.isEmpty()) {
            return;
        }
        ArrayNode a = k.has(field) && k.get(field).isArray() ? (ArrayNode) k.get(field) : k.putArray(field);
        entries.forEach(e -> a.add(e.deepCopy()));
    }

    /** The tree with some files' bytes replaced (the merged kustomization). */
    private record Overridden(SourceTree base, Map<String, byte[]> files) implements SourceTree {

        @Override
        public Optional<byte[]> read(String path) {
            byte[] b = files.get(path);
            return b != null ? Optional.of(b) : base.read(path);
        }

        @Override
        public boolean isDirectory(String path) {
            return base.isDirectory(path);
        }

        @Override
        public List<String> list(String directory) {
            List<String> names = base.list(directory);
            for (String f : files.keySet()) {
                int slash = f.lastIndexOf('/');
                String parent = slash < 0 ? "" : f.substring(0, slash);
                String name = f.substring(slash + 1);
                if (parent.equals(directory) && !names.contains(name)) {
                    names = new java.util.ArrayList<>(names);
                    names.add(name);
                    java.util.Collections.sort(names);
                }
            }
            return List.copyOf(names);
        }
    }
}
