package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The kustomization kustomize-controller generates for a directory that has none (fluxcd/pkg kustomize
 * generator): walking the directory in lexical order, a subdirectory with a kustomization file becomes a
 * resource and is not descended into, other subdirectories are descended into, and every {@code .yaml} /
 * {@code .yml} file becomes a resource; a file that is not Kubernetes YAML fails the build, as in Flux.
 */
public final class GeneratedKustomization {

    private GeneratedKustomization() {
    }

    /** The generated kustomization of {@code dir} (resources relative to it). */
    public static ObjectNode of(SourceTree tree, String dir) {
        return of(new TreeReader(tree, Limits.DEFAULT), dir);
    }

    static ObjectNode of(TreeReader reader, String dir) {
        ObjectNode k = JsonNodeFactory.instance.objectNode();
        k.put("apiVersion", "kustomize.config.k8s.io/v1beta1");
        k.put("kind", "Kustomization");
        ArrayNode resources = k.putArray("resources");
        walk(reader, dir, "", resources);
        return k;
    }

    private static void walk(TreeReader reader, String root, String rel, ArrayNode out) {
        String dir = TreeReader.join(root, rel);
        for (String name : reader.tree().list(dir)) {
            String relPath = rel.isEmpty() ? name : rel + "/" + name;
            String path = TreeReader.join(root, relPath);
            if (reader.tree().isDirectory(path)) {
                boolean hasKustomization = KustomizeBuilder.KUSTOMIZATION_FILES.stream()
                        .anyMatch(f -> reader.tree().read(path + "/" + f).isPresent());
                if (hasKustomization) {
                    out.add(relPath);
                } else {
                    walk(reader, root, relPath, out);
                }
                continue;
            }
            if (!name.endsWith(".yaml") && !name.endsWith(".yml")) {
                continue;
            }
            List<JsonNode> docs;
            try {
                docs = Yaml.documents(path, reader.read(path, path, null));
            } catch (RenderException e) {
                throw new RenderException(path, null, "failed to decode Kubernetes YAML: " + e.getMessage());
            }
            for (JsonNode d : docs) {
                if (!d.isObject() || d.path("kind").asText("").isEmpty()) {
                    throw new RenderException(path, null, "failed to decode Kubernetes YAML: a document without kind");
                }
            }
            out.add(relPath);
        }
    }
}
