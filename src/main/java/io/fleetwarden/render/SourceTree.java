package io.fleetwarden.render;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The files a build may read: relative, slash-separated paths ({@code clusters/staging/tenants.yaml}) to bytes.
 * The render package does no I/O, so the caller fills a tree from disk or from an extracted artifact; the tree
 * is also the boundary of what a kustomization can reach (nothing outside it exists).
 */
public interface SourceTree {

    /** The file's bytes, or empty when there is no such file. */
    Optional<byte[]> read(String path);

    /** Whether the path names a directory (the root {@code ""} always is). */
    boolean isDirectory(String path);

    /** The names (not paths) of a directory's entries, sorted. */
    List<String> list(String directory);

    /** {@code base} with the bytes of {@code files} in place of (or beside) its own. */
    static SourceTree replacing(SourceTree base, Map<String, byte[]> files) {
        return new OverriddenTree(base, Map.copyOf(files));
    }

    /** A tree held in memory; directories are implied by the files under them. */
    static SourceTree of(Map<String, byte[]> files) {
        return new InMemory(new TreeMap<>(files));
    }

    record InMemory(TreeMap<String, byte[]> files) implements SourceTree {

        @Override
        public Optional<byte[]> read(String path) {
            return Optional.ofNullable(files.get(path));
        }

        @Override
        public boolean isDirectory(String path) {
            if (path.isEmpty()) {
                return true;
            }
            String prefix = path + "/";
            String next = files.ceilingKey(prefix);
            return next != null && next.startsWith(prefix);
        }

        @Override
        public List<String> list(String directory) {
            String prefix = directory.isEmpty() ? "" : directory + "/";
            TreeSet<String> names = new TreeSet<>();
            for (String key : files.tailMap(prefix, true).keySet()) {
                if (!key.startsWith(prefix)) {
                    break;
                }
                String rest = key.substring(prefix.length());
                int slash = rest.indexOf('/');
                names.add(slash < 0 ? rest : rest.substring(0, slash));
            }
            return List.copyOf(names);
        }
    }
}
