package io.fleetwarden.testing.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        String named = System.getProperty("fleetwarden.components", System.getenv("FLEETWARDEN_COMPONENTS"));
        if (named != null && !named.isBlank()) {
            Path dir = Path.of(named);
            if (!Files.isRegularFile(dir.resolve(".complete"))) {
                throw new IllegalStateException(dir + " holds no complete component build (no .complete stamp)");
            }
            return dir;
        }
        Path script = repositoryRoot().resolve("bin/build-components");
        try {
            Path out = Files.createTempFile("fleetwarden-components", ".out");
            Process build = new ProcessBuilder(List.of(script.toString())).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (!build.waitFor(30, TimeUnit.MINUTES) || build.exitValue() != 0) {
                build.destroyForcibly();
                throw new IllegalStateException("bin/build-components failed; see its output above");
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            Files.delete(out);
            return Path.of(lines.get(lines.size() - 1).trim());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the components", e);
        }
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
