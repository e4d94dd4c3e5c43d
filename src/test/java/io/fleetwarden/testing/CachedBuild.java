package io.fleetwarden.testing;

import io.fleetwarden.testing.cluster.Components;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A folder of tools built from pinned Go modules by one of the {@code bin/build-*} scripts into the cache.
 * Asking the script is cheap once built (it checks a stamp and prints the folder as its last line) and builds
 * on a fresh machine, so a single test class run from an IDE works too. A system property or environment
 * variable may name a folder directly; it must hold a complete build ({@code .complete} stamp).
 */
public final class CachedBuild {

    private CachedBuild() {
    }

    /**
     * @param script the build script, relative to the checkout ({@code bin/build-components})
     * @param property the system property naming a folder instead; the environment variable is its upper-case
     *                 form with dots as underscores
     */
    public static Path folder(String script, String property, int timeoutMinutes) {
        String env = property.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
        String named = System.getProperty(property, System.getenv(env));
        if (named != null && !named.isBlank()) {
            Path dir = Path.of(named);
            if (!Files.isRegularFile(dir.resolve(".complete"))) {
                throw new IllegalStateException(dir + " holds no complete build (no .complete stamp)");
            }
            return dir;
        }
        Path path = Components.repositoryRoot().resolve(script);
        try {
            Path out = Files.createTempFile("fleetwarden-build", ".out");
            Process build = new ProcessBuilder(List.of(path.toString())).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (!build.waitFor(timeoutMinutes, TimeUnit.MINUTES) || build.exitValue() != 0) {
                build.destroyForcibly();
                throw new IllegalStateException(script + " failed; see its output above");
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            Files.delete(out);
            return Path.of(lines.get(lines.size() - 1).trim());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    /** The last line a script prints (a folder), for scripts that build nothing and keep no stamp. */
    public static Path output(String script, int timeoutMinutes) {
        return folder(script, "fleetwarden.unset." + script.replace('/', '.'), timeoutMinutes);
    }
}
