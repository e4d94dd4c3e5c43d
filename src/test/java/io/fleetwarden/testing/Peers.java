package io.fleetwarden.testing;

import io.fleetwarden.testing.cluster.Components;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peer tools built from their pinned Go modules by {@code bin/build-peers} (today: kustomize v5.8.1, the
 * oracle of the render package). Asking the script is cheap once built (it checks a stamp and prints the
 * folder) and builds on a fresh machine, so one test class run from an IDE works too.
 * {@code -Dfleetwarden.peers=DIR} (or {@code FLEETWARDEN_PEERS}) names a folder directly.
 */
public final class Peers {

    private static Path dir;

    private Peers() {
    }

    public static synchronized Path kustomize() {
        if (dir == null) {
            dir = find();
        }
        Path binary = dir.resolve("kustomize");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is missing: run bin/build-peers");
        }
        return binary;
    }

    private static Path find() {
        String named = System.getProperty("fleetwarden.peers", System.getenv("FLEETWARDEN_PEERS"));
        if (named != null && !named.isBlank()) {
            Path d = Path.of(named);
            if (!Files.isRegularFile(d.resolve(".complete"))) {
                throw new IllegalStateException(d + " holds no complete peer build (no .complete stamp)");
            }
            return d;
        }
        Path script = Components.repositoryRoot().resolve("bin/build-peers");
        try {
            Path out = Files.createTempFile("fleetwarden-peers", ".out");
            Process build = new ProcessBuilder(List.of(script.toString())).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (!build.waitFor(20, TimeUnit.MINUTES) || build.exitValue() != 0) {
                build.destroyForcibly();
                throw new IllegalStateException("bin/build-peers failed; see its output above");
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            Files.delete(out);
            return Path.of(lines.get(lines.size() - 1).trim());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the peers", e);
        }
    }
}
