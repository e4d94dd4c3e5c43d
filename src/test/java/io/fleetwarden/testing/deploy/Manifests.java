package io.fleetwarden.testing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Reads the Kubernetes manifests under {@code deploy/} as Jackson trees (one per YAML document). */
public final class Manifests {

    public static final Path DEPLOY = Path.of("deploy");

    /** Kinds without a namespace; everything else gets the kustomization's namespace. */
    static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "CustomResourceDefinition", "ClusterRole",
            "ClusterRoleBinding", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "PriorityClass");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Manifests() {
    }

    public static ObjectMapper yaml() {
        return YAML;
    }

    /** Every non-empty document of a YAML file; a document that is not a mapping is an error. */
    public static List<ObjectNode> read(Path file) {
        List<ObjectNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file))) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                if (!doc.isObject()) {
                    throw new IllegalStateException(file + ": a document is not a mapping: " + doc);
                }
                docs.add((ObjectNode) doc);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": not valid YAML", e);
        }
        return docs;
    }

    /** Every {@code .yaml}/{@code .yml} file under a directory, sorted. */
    public static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String kind(JsonNode o) {
        return o.path("kind").asText();
    }

    public static String name(JsonNode o) {
        return o.path("metadata").path("name").asText();
    }

    public static String namespace(JsonNode o) {
        return o.path("metadata").path("namespace").asText();
    }

    public static boolean isClusterScoped(JsonNode o) {
        return CLUSTER_SCOPED.contains(kind(o));
    }
}
