package io.fleetwarden.testing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Renders a kustomization the way {@code kustomize build} does, for the subset {@code deploy/} uses: resources
 * (files and directories), namespace, and patches that are either JSON6902 operations on a target kind/name or
 * a strategic-merge {@code $patch: delete}. kustomize is not a build prerequisite, so the tests resolve the
 * overlays themselves; any other kustomization field is refused here, so a new one cannot pass unrendered.
 * (On a machine with kubectl, {@code kubectl kustomize deploy/overlays/...} gives the same objects.)
 */
public final class Kustomization {

    static final Set<String> SUPPORTED_FIELDS = Set.of("apiVersion", "kind", "namespace", "resources", "patches");

    private Kustomization() {
    }

    public static List<ObjectNode> render(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        ObjectNode k = Manifests.read(file).get(0);
        for (Iterator<String> it = k.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!SUPPORTED_FIELDS.contains(field)) {
                throw new IllegalStateException(file + ": field " + field + " is not rendered by the tests' kustomize subset");
            }
        }
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            if (Files.isDirectory(p)) {
                objects.addAll(render(p));
            } else if (Files.isRegularFile(p)) {
                objects.addAll(Manifests.read(p));
            } else {
                throw new IllegalStateException(file + ": resource " + r.asText() + " does not exist");
            }
        }
        if (k.hasNonNull("namespace")) {
            String ns = k.get("namespace").asText();
            objects.stream().filter(o -> !Manifests.isClusterScoped(o))
                    .forEach(o -> ((ObjectNode) o.with("metadata")).put("namespace", ns));
        }
        int i = 0;
        for (JsonNode patch : k.path("patches")) {
            applyPatch(objects, patch, file + " patches[" + i++ + "]");
        }
        return objects;
    }

    private static void applyPatch(List<ObjectNode> objects, JsonNode patch, String where) {
        JsonNode body = parse(patch.path("patch").asText(), where);
        if (patch.has("target")) {
            String kind = patch.path("target").path("kind").asText();
            String name = patch.path("target").path("name").asText();
            List<ObjectNode> targets = objects.stream()
                    .filter(o -> Manifests.kind(o).equals(kind) && Manifests.name(o).equals(name)).toList();
            if (targets.isEmpty()) {
                throw new IllegalStateException(where + ": no " + kind + " " + name + " to patch");
            }
            targets.forEach(t -> JsonPatch.apply(t, body, where));
        } else if ("delete".equals(body.path("$patch").asText())) {
            boolean removed = objects.removeIf(o -> Manifests.kind(o).equals(Manifests.kind(body))
                    && Manifests.name(o).equals(Manifests.name(body))
                    && o.path("apiVersion").equals(body.path("apiVersion")));
            if (!removed) {
                throw new IllegalStateException(where + ": no " + Manifests.kind(body) + " " + Manifests.name(body)
                        + " to delete");
            }
        } else {
            throw new IllegalStateException(where + ": only JSON6902 patches with a target and $patch: delete are rendered");
        }
    }

    private static JsonNode parse(String yaml, String where) {
        try {
            return Manifests.yaml().readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(where + ": patch is not YAML", e);
        }
    }

    /** The one object of this kind and name; fails when there is none or more than one. */
    public static ObjectNode one(List<ObjectNode> objects, String kind, String name) {
        List<ObjectNode> found = objects.stream()
                .filter(o -> Manifests.kind(o).equals(kind) && Manifests.name(o).equals(name)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + " " + name + ", found " + found.size());
        }
        return found.get(0);
    }
}
