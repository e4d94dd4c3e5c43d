package io.fleetwarden.artifact;

import io.fleetwarden.render.SourceTree;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The files of one artifact, held in memory and never changed: relative slash-separated paths without a leading
 * {@code ./} ({@code clusters/staging/kustomization.yaml}) to their bytes. Directories are implied by the files
 * under them (an empty directory of the archive does not appear). Shared between reconciles through
 * {@link ArtifactStore}, so {@link #read} hands out a copy: no caller can change what another one reads.
 */
public final class ArtifactTree implements SourceTree {

    private final SourceTree.InMemory files;
    private final long totalBytes;

    private ArtifactTree(TreeMap<String, byte[]> files, long totalBytes) {
        this.files = new SourceTree.InMemory(files);
        this.totalBytes = totalBytes;
    }

    /**
     * A tree of {@code files}, whose paths must already be in the form described above (copied; for tests and
     * for callers that build trees themselves).
     *
     * @throws IllegalArgumentException naming the first path that is not, or a path that is both file and directory
     */
    public static ArtifactTree of(Map<String, byte[]> files) {
        TreeMap<String, byte[]> copy = new TreeMap<>();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            String problem = ArtifactPaths.problem(file.getKey());
            if (problem != null) {
                throw new IllegalArgumentException("invalid path \"" + file.getKey() + "\" in an artifact tree: " + problem);
            }
            copy.put(file.getKey(), file.getValue().clone());
        }
        String conflict = ArtifactPaths.fileUnderFile(copy);
        if (conflict != null) {
            throw new IllegalArgumentException("invalid artifact tree: " + conflict);
        }
        return owning(copy);
    }

    /** Takes {@code files} as they are: the caller checked the paths and gives up the map and its arrays. */
    static ArtifactTree owning(TreeMap<String, byte[]> files) {
        long total = 0;
        for (byte[] content : files.values()) {
            total += content.length;
        }
        return new ArtifactTree(files, total);
    }

    /**
     * The tree of the files {@code keep} accepts, sharing their bytes with this one (neither tree ever hands out or
     * changes its arrays); this same tree when it accepts them all.
     */
    ArtifactTree retain(java.util.function.Predicate<String> keep) {
        TreeMap<String, byte[]> kept = new TreeMap<>();
        for (Map.Entry<String, byte[]> file : files.files().entrySet()) {
            if (keep.test(file.getKey())) {
                kept.put(file.getKey(), file.getValue());
            }
        }
        return kept.size() == files.files().size() ? this : owning(kept);
    }

    /** The bytes of {@code path} as held, not copied: for this package's readers that only read them. */
    Optional<byte[]> readShared(String path) {
        return files.read(path);
    }

    @Override
    public Optional<byte[]> read(String path) {
        return files.read(path).map(byte[]::clone);
    }

    @Override
    public boolean isDirectory(String path) {
        return files.isDirectory(path);
    }

    @Override
    public List<String> list(String directory) {
        return files.list(directory);
    }

    /** Every file path, sorted. */
    public List<String> paths() {
        return List.copyOf(files.files().keySet());
    }

    /** The sum of the file sizes. */
    public long totalBytes() {
        return totalBytes;
    }

    public int fileCount() {
        return files.files().size();
    }

    @Override
    public String toString() {
        return "ArtifactTree[" + fileCount() + " files, " + totalBytes + " bytes]";
    }
}
