package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The files kustomize-controller v1.9.4 decrypts before it builds a Kustomization with SOPS decryption
 * ({@code DecryptSources}): from the kustomization at the build path, recursively through the directories its
 * {@code resources} and {@code components} name, each kustomization's secret generator sources ({@code files}, whose
 * format follows the key, and {@code envs}, dotenv unless named otherwise) and {@code patches} read from a
 * {@code path}. A file is listed once, in the order visited; a resource that is not a directory is passed over, a
 * directory without a kustomization file is an error, as there.
 */
public final class DecryptionSources {

    /** What names a file: a generator's {@code files} or {@code envs}, or a patch. */
    public enum Role { FILE, ENV, PATCH }

    /** A file to decrypt if it is encrypted: its tree path, the name that gives its format, who names it. */
    public record Source(String path, String formatName, Role role, String kustomization) {
    }

    private DecryptionSources() {
    }

    public static List<Source> of(SourceTree tree, String path) {
        List<Source> out = new ArrayList<>();
        visit(tree, path, new HashSet<>(), new HashSet<>(), out);
        return out;
    }

    private static void visit(SourceTree tree, String dir, Set<String> visitedDirs, Set<String> listed,
            List<Source> out) {
        if (!visitedDirs.add(dir) || !tree.isDirectory(dir)) {
            return;
        }
        String file = null;
        for (String name : KustomizeBuilder.KUSTOMIZATION_FILES) {
            String candidate = TreeReader.join(dir, name);
            if (tree.read(candidate).isPresent()) {
                if (file != null) {
                    throw new RenderException(dir, null, "found multiple kustomization files");
                }
                file = candidate;
            }
        }
        if (file == null) {
            throw new RenderException(dir, null, "no kustomization file found (decrypting sources visits every "
                    + "directory the kustomizations name)");
        }
        ObjectNode k = Yaml.object(file, tree.read(file).orElseThrow());
        int g = 0;
        for (JsonNode gen : k.path("secretGenerator")) {
            String field = "secretGenerator[" + g++ + "]";
            for (JsonNode f : gen.path("files")) {
                String entry = f.asText();
                int eq = entry.indexOf('=');
                String key = eq < 0 ? entry : entry.substring(0, eq);
                String rel = eq < 0 ? entry : entry.substring(eq + 1);
                add(tree, dir, rel, key, Role.FILE, file, field + ".files", listed, out);
            }
            for (JsonNode env : gen.path("envs")) {
                add(tree, dir, env.asText(), env.asText(), Role.ENV, file, field + ".envs", listed, out);
            }
        }
        int p = 0;
        for (JsonNode patch : k.path("patches")) {
            String field = "patches[" + p++ + "].path";
            String rel = patch.path("path").asText("");
            if (!rel.isEmpty() && !TreeReader.isRemote(rel)) {
                add(tree, dir, rel, rel, Role.PATCH, file, field, listed, out);
            }
        }
        List<JsonNode> next = new ArrayList<>();
        k.path("resources").forEach(next::add);
        k.path("components").forEach(next::add);
        for (JsonNode r : next) {
            String rel = r.asText();
            if (TreeReader.isRemote(rel) || rel.startsWith("/")) {
                continue;
            }
            String resolved = TreeReader.normalise(dir, rel);
            if (resolved != null) {
                visit(tree, resolved, visitedDirs, listed, out);
            }
        }
    }

    private static void add(SourceTree tree, String dir, String rel, String formatName, Role role, String file,
            String field, Set<String> listed, List<Source> out) {
        String path = TreeReader.normalise(dir, rel);
        if (path == null || rel.startsWith("/")) {
            throw new RenderException(file, field, "'" + rel + "' leaves the root of the source");
        }
        if (tree.read(path).isEmpty()) {
            throw new RenderException(file, field, "'" + path + "' does not exist"
                    + (tree.isDirectory(path) ? " as a file (cannot decrypt a directory)" : ""));
        }
        if (listed.add(path)) {
            out.add(new Source(path, formatName, role, file));
        }
    }
}
