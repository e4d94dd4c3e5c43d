package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads Kubernetes manifests from files and directories (recursively; {@code .yaml}, {@code .yml},
 * {@code .json}; multi-document streams) or standard input ({@code -}) as the API server reads them
 * ({@link KubeYaml}), with bounds on size, aliases and nesting. A {@code kind: List} (what {@code kubectl get -o
 * yaml} prints) is read as its items. Unreadable input is reported with its file and document, never skipped
 * silently.
 */
final class ManifestReader {

    static final long MAX_FILE_BYTES = 4 << 20;
    static final int MAX_FILES = 10_000;
    /** The path that names standard input. */
    static final String STDIN = "-";

    /**
     * One object. {@code origin} is null for an object of the checked files; for an object that one of them would
     * create (a ResourceSet's, a FluxInstance's), it says which and who applies it.
     */
    record Manifest(String source, JsonNode object, Origin origin) {
        Manifest(String source, JsonNode object) {
            this(source, object, null);
        }
    }

    /**
     * @param what the object that creates this one, as a line shows it ({@code ResourceSet flux-system/apps})
     * @param user who requests its creation (the ResourceSet's service account), or null for check's default
     * @param notes said on the object's line, as warnings
     */
    record Origin(String what, String user, List<String> notes) {
        Origin {
            notes = List.copyOf(notes);
        }
    }

    record Read(List<Manifest> manifests, List<String> errors) {
    }

    private ManifestReader() {
    }

    static Read read(List<Path> paths) {
        return read(paths, System.in);
    }

    /** @param stdin read for the path {@code -} (at most once) */
    static Read read(List<Path> paths, InputStream stdin) {
        List<Manifest> out = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        boolean stdinRead = false;
        for (Path path : paths) {
            if (path.toString().equals(STDIN)) {
                if (stdinRead) {
                    errors.add("standard input (-) is given more than once");
                } else {
                    stdinRead = true;
                    readStdin(stdin, out, errors);
                }
                continue;
            }
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

    private static void readStdin(InputStream in, List<Manifest> out, List<String> errors) {
        try {
            byte[] b = in.readNBytes((int) MAX_FILE_BYTES + 1);
            if (b.length > MAX_FILE_BYTES) {
                errors.add("standard input: larger than " + MAX_FILE_BYTES + " bytes");
                return;
            }
            parse("stdin", new String(b, StandardCharsets.UTF_8), out, errors);
        } catch (IOException e) {
            errors.add("standard input: cannot read: " + e.getMessage());
        }
    }

    private static void readFile(Path f, List<Manifest> out, List<String> errors) {
        try {
            if (Files.size(f) > MAX_FILE_BYTES) {
                errors.add(f + ": larger than " + MAX_FILE_BYTES + " bytes");
                return;
            }
            parse(f.toString(), Files.readString(f), out, errors);
        } catch (IOException e) {
            errors.add(f + ": cannot read: " + e.getMessage());
        }
    }

    private static void parse(String name, String text, List<Manifest> out, List<String> errors) {
        try {
            List<JsonNode> docs = KubeYaml.readAll(text, (int) MAX_FILE_BYTES);
            for (int i = 0; i < docs.size(); i++) {
                JsonNode n = docs.get(i);
                if (isList(n)) {
                    JsonNode items = n.get("items");
                    for (int j = 0; j < items.size(); j++) {
                        if (items.get(j).isObject() && items.get(j).has("kind")) {
                            out.add(new Manifest(name + "#" + i + ".items[" + j + "]", items.get(j)));
                        }
                    }
                } else if (n != null && n.isObject() && n.has("kind")) {
                    out.add(new Manifest(name + "#" + i, n));
                }
            }
        } catch (KubeYaml.Unreadable e) {
            errors.add(name + ": not valid YAML: " + e.getMessage());
        } catch (RuntimeException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            errors.add(name + ": not valid YAML: " + m.lines().findFirst().orElse(m));
        }
    }

    /**
     * {@code kind: List} ({@code kubectl get -o yaml}) or a typed list ({@code NamespaceList}, as the API returns
     * it): not an object of the API, a wrapper around its {@code items}.
     */
    static boolean isList(JsonNode n) {
        if (n == null || !n.isObject() || !n.path("items").isArray() || !n.path("kind").isTextual()) {
            return false;
        }
        String kind = n.path("kind").asText();
        return kind.equals("List") || kind.endsWith("List") && !n.path("metadata").has("name");
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
