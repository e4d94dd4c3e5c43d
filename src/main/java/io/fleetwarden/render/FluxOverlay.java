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
 * kustomization before the build as kustomize-controller v1.9.4's generator (fluxcd/pkg/kustomize) does:
 * {@code targetNamespace} becomes the kustomize {@code namespace}, {@code namePrefix}/{@code nameSuffix} replace the
 * file's, {@code patches} and {@code components} are appended (with {@code ignoreMissingComponents}, a component path
 * that does not exist is left out), and {@code images} are merged into the file's entries by name (a new name
 * replaces the file's; a tag or digest replaces both the file's tag and digest, so a stale digest never outlives a new
 * tag), others appended. A directory without a kustomization file gets Flux's generated one first.
 *
 * <p>{@code commonMetadata} is not part of the build: Flux sets its labels and annotations on each object's own
 * metadata after the build and the postBuild substitution ({@link #setCommonMetadata}), so they reach neither pod
 * templates (kustomize's {@code commonAnnotations} would, restarting pods) nor the substitution.
 *
 * @param patches    {@code spec.patches} entries ({@code patch} and optional {@code target}), as the CRD has them
 * @param images     {@code spec.images} entries ({@code name}, {@code newName}, {@code newTag}, {@code digest})
 * @param components paths relative to {@code spec.path}
 */
public record FluxOverlay(String targetNamespace, String namePrefix, String nameSuffix, List<JsonNode> patches,
        List<JsonNode> images, List<String> components, boolean ignoreMissingComponents,
        Map<String, String> commonLabels, Map<String, String> commonAnnotations, List<String> buildMetadata) {

    public static final FluxOverlay NONE = new FluxOverlay(null, null, null, List.of(), List.of(), List.of(), false,
            Map.of(), Map.of());

    /** Without {@code spec.buildMetadata}. */
    public FluxOverlay(String targetNamespace, String namePrefix, String nameSuffix, List<JsonNode> patches,
            List<JsonNode> images, List<String> components, boolean ignoreMissingComponents,
            Map<String, String> commonLabels, Map<String, String> commonAnnotations) {
        this(targetNamespace, namePrefix, nameSuffix, patches, images, components, ignoreMissingComponents,
                commonLabels, commonAnnotations, List.of());
    }

    public FluxOverlay {
        patches = List.copyOf(patches);
        images = List.copyOf(images);
        components = List.copyOf(components);
        commonLabels = Map.copyOf(commonLabels);
        commonAnnotations = Map.copyOf(commonAnnotations);
        buildMetadata = List.copyOf(buildMetadata);
    }

    /** The objects a Flux Kustomization with this overlay builds at {@code path} of {@code tree}. */
    public List<ObjectNode> build(SourceTree tree, String path, Limits limits) {
        return build(tree, path, limits, java.util.function.UnaryOperator.identity());
    }

    /**
     * The same, with the tree as Flux's generator left it (the kustomization at {@code path} merged with this
     * overlay) passed through {@code beforeBuild} first: where kustomize-controller decrypts SOPS-encrypted sources
     * in its working copy before the build.
     */
    public List<ObjectNode> build(SourceTree tree, String path, Limits limits,
            java.util.function.UnaryOperator<SourceTree> beforeBuild) {
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
        // Flux's generator: a kustomization file of the source without resources gets
        // buildMetadata: [originAnnotations] (against kustomize's "kustomization.yaml is empty"), so the objects of
        // its components, bases and generators carry kustomize's config.kubernetes.io/origin annotation.
        boolean noResources = kustomization != null && kustomization.path("resources").isEmpty();
        if (this.equals(NONE) && !noResources) {
            return KustomizeBuilder.build(beforeBuild.apply(tree), path, limits);
        }
        if (kustomization == null) {
            if (!tree.isDirectory(dir)) {
                throw new RenderException(dir, null, "spec.path: no such directory in the artifact");
            }
            file = TreeReader.join(dir, "kustomization.yaml");
            kustomization = GeneratedKustomization.of(tree, dir);
        }
        if (noResources) {
            kustomization.putArray("buildMetadata").add("originAnnotations");
        }
        merge(kustomization, tree, dir);
        Map<String, byte[]> replaced = new HashMap<>();
        replaced.put(file, Yaml.write(kustomization).getBytes(StandardCharsets.UTF_8));
        return KustomizeBuilder.build(beforeBuild.apply(SourceTree.replacing(tree, replaced)), path, limits);
    }

    private void merge(ObjectNode k, SourceTree tree, String dir) {
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
        List<String> kept = ignoreMissingComponents
                ? components.stream().filter(c -> exists(tree, dir, c)).toList() : components;
        if (!kept.isEmpty()) {
            ArrayNode a = k.has("components") && k.get("components").isArray() ? (ArrayNode) k.get("components")
                    : k.putArray("components");
            kept.forEach(a::add);
        }
        if (!buildMetadata.isEmpty()) {
            // The generator replaces the file's buildMetadata (and the one it adds to a file without resources).
            ArrayNode a = k.putArray("buildMetadata");
            buildMetadata.forEach(a::add);
        }
        if (!images.isEmpty()) {
            ArrayNode a = k.has("images") && k.get("images").isArray() ? (ArrayNode) k.get("images")
                    : k.putArray("images");
            images.forEach(image -> mergeImage(a, image));
        }
    }

    /** Flux's rule for one {@code spec.images} entry against the file's {@code images}. */
    private static void mergeImage(ArrayNode fileImages, JsonNode image) {
        String name = image.path("name").asText("");
        String newName = image.path("newName").asText("");
        String newTag = image.path("newTag").asText("");
        String digest = image.path("digest").asText("");
        for (JsonNode existing : fileImages) {
            if (existing.isObject() && name.equals(existing.path("name").asText(""))) {
                ObjectNode e = (ObjectNode) existing;
                if (!newName.isEmpty()) {
                    e.put("newName", newName);
                }
                if (!newTag.isEmpty() || !digest.isEmpty()) {
                    // Tag and digest pick the version together: setting one clears the other.
                    putOrRemove(e, "newTag", newTag);
                    putOrRemove(e, "digest", digest);
                }
                return;
            }
        }
        ObjectNode e = fileImages.addObject();
        e.put("name", name);
        putOrRemove(e, "newName", newName);
        putOrRemove(e, "newTag", newTag);
        putOrRemove(e, "digest", digest);
    }

    private static void putOrRemove(ObjectNode o, String field, String value) {
        if (value.isEmpty()) {
            o.remove(field);
        } else {
            o.put(field, value);
        }
    }

    /**
     * Whether a component path, relative to the kustomization's directory, names a file or directory of the tree, as
     * Flux's generator asks its root-bound filesystem: a path that leaves the root does not exist there. A remote or
     * absolute path is kept, for the build to refuse with its own message (Flux refuses those too).
     */
    private static boolean exists(SourceTree tree, String dir, String component) {
        if (TreeReader.isRemote(component) || component.startsWith("/")) {
            return true;
        }
        String path;
        try {
            path = new TreeReader(tree, Limits.DEFAULT).resolve(dir, component, dir, "components");
        } catch (RenderException e) {
            return false;
        }
        return tree.isDirectory(path) || tree.read(path).isPresent();
    }

    /**
     * Sets {@code commonMetadata} on each object's own metadata, as kustomize-controller does after the build and
     * the substitution (fluxcd/pkg/ssa {@code SetCommonMetadata}): the values replace those of the same keys.
     */
    public void setCommonMetadata(List<ObjectNode> objects) {
        if (commonLabels.isEmpty() && commonAnnotations.isEmpty()) {
            return;
        }
        for (ObjectNode o : objects) {
            ObjectNode meta = o.has("metadata") && o.get("metadata").isObject() ? (ObjectNode) o.get("metadata")
                    : o.putObject("metadata");
            put(meta, "labels", commonLabels);
            put(meta, "annotations", commonAnnotations);
        }
    }

    private static void put(ObjectNode meta, String field, Map<String, String> values) {
        if (values.isEmpty()) {
            return;
        }
        ObjectNode m = meta.has(field) && meta.get(field).isObject() ? (ObjectNode) meta.get(field)
                : meta.putObject(field);
        // Sorted, so the objects (and a digest over them) do not depend on a map's order.
        new java.util.TreeMap<>(values).forEach(m::put);
    }

    private static void append(ObjectNode k, String field, List<JsonNode> entries) {
        if (entries.isEmpty()) {
            return;
        }
        ArrayNode a = k.has(field) && k.get(field).isArray() ? (ArrayNode) k.get(field) : k.putArray(field);
        entries.forEach(e -> a.add(e.deepCopy()));
    }
}
