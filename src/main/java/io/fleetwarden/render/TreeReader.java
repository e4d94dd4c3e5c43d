package io.fleetwarden.render;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@link SourceTree} on behalf of one build: resolves relative paths against a kustomization's
 * directory, refuses paths that leave the tree and remote locations (a tenant must not make the reconciler
 * fetch from the network), and counts files and bytes against the {@link Limits}.
 */
final class TreeReader {

    private final SourceTree tree;
    private final Limits limits;
    private int files;
    private long bytes;
    private int documents;

    TreeReader(SourceTree tree, Limits limits) {
        this.tree = tree;
        this.limits = limits;
    }

    SourceTree tree() {
        return tree;
    }

    Limits limits() {
        return limits;
    }

    /** The tree path of {@code relative} seen from {@code directory}; refused when remote or outside the tree. */
    String resolve(String directory, String relative, String file, String field) {
        if (isRemote(relative)) {
            throw new RenderException(file, field, "remote location '" + relative
                    + "' refused: fleetwarden builds only from the artifact's own files (no URLs, no git)");
        }
        if (relative.startsWith("/")) {
            throw new RenderException(file, field, "absolute path '" + relative + "' refused: paths are relative to "
                    + "the kustomization");
        }
        String path = normalise(directory, relative);
        if (path == null) {
            throw new RenderException(file, field, "path '" + relative + "' leaves the root of the source");
        }
        return path;
    }

    /** {@code directory/relative} with {@code .} and {@code ..} resolved, or null when it leaves the tree. */
    static String normalise(String directory, String relative) {
        List<String> parts = new ArrayList<>();
        if (!directory.isEmpty()) {
            parts.addAll(List.of(directory.split("/")));
        }
        for (String p : relative.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(p);
            }
        }
        return String.join("/", parts);
    }

    static boolean isRemote(String location) {
        String l = location.toLowerCase();
        return l.contains("://") || l.startsWith("git@") || l.startsWith("github.com/") || l.startsWith("gitlab.com/")
                || l.startsWith("bitbucket.org/") || l.contains("?ref=") || l.contains("//") && l.contains(".git");
    }

    boolean isDirectory(String path) {
        return tree.isDirectory(path);
    }

    boolean exists(String path) {
        return tree.isDirectory(path) || tree.read(path).isPresent();
    }

    byte[] read(String path, String file, String field) {
        byte[] b = tree.read(path).orElseThrow(() -> new RenderException(file, field, "'" + path
                + "' does not exist"));
        if (++files > limits.maxFiles()) {
            throw new RenderException(file, field, "more than " + limits.maxFiles() + " files read (limit maxFiles)");
        }
        bytes += b.length;
        if (bytes > limits.maxBytes()) {
            throw new RenderException(file, field, "more than " + limits.maxBytes() + " bytes read (limit maxBytes)");
        }
        return b;
    }

    void countDocuments(int n, String file) {
        documents += n;
        if (documents > limits.maxDocuments()) {
            throw new RenderException(file, null, "more than " + limits.maxDocuments()
                    + " YAML documents (limit maxDocuments)");
        }
    }

    static String dirOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    static String join(String dir, String name) {
        if (name.isEmpty()) {
            return dir;
        }
        return dir.isEmpty() ? name : dir + "/" + name;
    }
}
