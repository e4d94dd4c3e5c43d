package io.fleetwarden.testing;

import java.nio.file.Files;
import java.nio.file.Path;

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
        return CachedBuild.folder("bin/build-peers", "fleetwarden.peers", 20);
    }
}
