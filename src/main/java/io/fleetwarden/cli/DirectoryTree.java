package io.fleetwarden.cli;

import io.fleetwarden.render.SourceTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@link SourceTree} read lazily from a directory on disk, confined to it: a path whose real location
 * (symbolic links resolved) lies outside the root does not exist, so a link cannot smuggle in a host file.
 */
public record DirectoryTree(Path root) implements SourceTree {

    public DirectoryTree {
        try {
            root = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<byte[]> read(String path) {
        Path p = inside(path);
        if (p == null || !Files.isRegularFile(p)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean isDirectory(String path) {
        Path p = inside(path);
        return p != null && Files.isDirectory(p);
    }

    @Override
    public List<String> list(String directory) {
        Path p = inside(directory);
        if (p == null || !Files.isDirectory(p)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The tree path of a file on disk, or null when it is not under the root. */
    public String relativize(Path file) {
        try {
            Path real = file.toRealPath();
            if (!real.startsWith(root)) {
                return null;
            }
            return root.relativize(real).toString().replace('\\', '/');
        } catch (IOException e) {
            return null;
        }
    }

    private Path inside(String path) {
        Path p = path.isEmpty() ? root : root.resolve(path).normalize();
        if (!p.startsWith(root) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.exists(p)) {
            return null;
        }
        try {
            Path real = p.toRealPath();
            return real.startsWith(root) ? real : null;
        } catch (IOException e) {
            return null;
        }
    }
}
