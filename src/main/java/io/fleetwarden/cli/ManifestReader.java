package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads Kubernetes manifests from files and directories (recursively; {@code .yaml}, {@code .yml},
 * {@code .json}; multi-document streams) as the API server reads them ({@link KubeYaml}), with bounds on size,
 * aliases and nesting. Unreadable input is reported with its file and document, never skipped silently.
 */
final class ManifestReader {

    static final long MAX_FILE_BYTES = 4 << 20;
    static final int MAX_FILES = 10_000;

    record Manifest(String source, JsonNode object) {
    }

    record Read(List<Manifest> manifests, List<String> errors) {
    }

    private ManifestReader() {
    }

    static Read read(List<Path> paths) {
        List<Manifest> out = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Path path : paths) {
            List<Path> files;
            try {
                files = files(path);
            } catch (IOException e) {
                errors.add(path + ": cannot read: " + e.getMessage());
                continue;
            }
            for (Path f : files) {
                readFile(f, out, errors);
            }
        }
        return new Read(out, errors);
    }

    private static void readFile(Path f, List<Manifest> out, List<String> errors) {
        try {
            if (Files.size(f) > MAX_FILE_BYTES) {
                errors.add(f + ": larger than " + MAX_FILE_BYTES + " bytes");
                return;
            }
            List<JsonNode> docs = KubeYaml.readAll(Files.readString(f), (int) MAX_FILE_BYTES);
            for (int i = 0; i < docs.size(); i++) {
                JsonNode n = docs.get(i);
                if (n != null && n.isObject() && n.has("kind")) {
                    out.add(new Manifest(f + "#" + i, n));
                }
            }
        } catch (KubeYaml.Unreadable e) {
            errors.add(f + ": not valid YAML: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            errors.add(f + ": not valid YAML: " + m.lines().findFirst().orElse(m));
        }
    }

    private static List<Path> files(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException("no such file or directory");
        }
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        try (Stream<Path> walk = Files.walk(path, 16)) {
            return walk.filter(Files::isRegularFile).filter(p -> {
                String s = p.getFileName().toString();
                return s.endsWith(".yaml") || s.endsWith(".yml") || s.endsWith(".json");
            }).sorted().limit(MAX_FILES).toList();
        }
    }
}
