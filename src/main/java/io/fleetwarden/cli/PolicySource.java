package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.policy.PolicyDocuments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads {@code ArtifactPolicy} files from a file or a directory (recursively, {@code .yaml}/{@code .yml}),
 * the way the service loads them from the cluster: every document is compiled, and one bad document
 * fails the whole load with every problem listed, so CI catches it before Flux applies it.
 */
final class PolicySource {

    private PolicySource() {
    }

    /** The compiled snapshot, and every problem: unreadable files, documents that do not compile. */
    record Loaded(PolicySnapshot snapshot, List<String> errors) {
    }

    static Loaded load(List<Path> paths, Uncovered uncovered) {
        List<String> errors = new ArrayList<>();
        List<PolicyDocuments.Parsed> docs = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            try {
                List<Path> found = files(path);
                if (found.isEmpty()) {
                    errors.add(path + ": no .yaml or .yml files");
                }
                files.addAll(found);
            } catch (IOException e) {
                errors.add("cannot read " + path + ": " + e.getMessage());
            }
        }
        for (Path f : files) {
            try {
                if (Files.size(f) > PolicyDocuments.MAX_BYTES) {
                    errors.add(f + ": larger than " + PolicyDocuments.MAX_BYTES + " bytes");
                    continue;
                }
                // Read as the API server would store it (aliases, merge keys, duplicate keys: KubeYaml); the text gives
                // the line of each field for the messages.
                String text = Files.readString(f);
                List<JsonNode> nodes = KubeYaml.readAll(text, PolicyDocuments.MAX_BYTES);
                docs.addAll(PolicyDocuments.parseFile(f.toString(), nodes, text));
            } catch (KubeYaml.Unreadable e) {
                errors.add(f + ": not valid YAML: " + e.getMessage());
            } catch (IOException e) {
                errors.add(f + ": " + e.getMessage());
            }
        }
        PolicySnapshot snapshot = PolicySnapshot.compile(1, docs, uncovered);
        errors.addAll(snapshot.problems());
        return new Loaded(snapshot, errors);
    }

    private static List<Path> files(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            if (!Files.exists(path)) {
                throw new IOException("no such file or directory");
            }
            return List.of(path);
        }
        try (Stream<Path> walk = Files.walk(path, 8)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }
}
