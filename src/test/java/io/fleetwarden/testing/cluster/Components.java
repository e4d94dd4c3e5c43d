package io.fleetwarden.testing.cluster;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Kubernetes components built from their pinned Go modules by {@code bin/build-components} into a cache
 * outside the repository. Asking that script is cheap when they are built (it checks a stamp and prints the
 * folder) and builds them when they are not, so a single test class run from an IDE works on a fresh machine
 * too. {@code -Dfleetwarden.components=DIR} (or {@code FLEETWARDEN_COMPONENTS}) names a folder directly.
 */
public record Components(Path dir) {

    private static Components located;

    public static synchronized Components locate() {
        if (located == null) {
            located = new Components(find());
        }
        return located;
    }

    public Path etcd() {
        return binary("etcd");
    }

    public Path kubeApiServer() {
        return binary("kube-apiserver");
    }

    public Path kubeControllerManager() {
        return binary("kube-controller-manager");
    }

    public Path kubectl() {
        return binary("kubectl");
    }

    private Path binary(String name) {
        Path binary = dir.resolve(name);
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is missing: run bin/build-components");
        }
        return binary;
    }

    private static Path find() {
        return io.fleetwarden.testing.CachedBuild.folder("bin/build-components", "fleetwarden.components", 30);
    }

    /** The checkout this test runs from (Maven runs tests with the module folder as working directory). */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("bin/build-components"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside a fleetwarden checkout: " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
