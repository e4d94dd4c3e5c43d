package io.fleetwarden.render.resourceset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Flux Operator CLI, built from its pinned Go module by bin/build-flux-operator-cli (a no-op once
 * built), run as a test oracle: {@code flux-operator build resourceset}.
 */
final class FluxOperatorOracle {

    record Result(int code, String out, String err) {
    }

    private static Path binary;

    private FluxOperatorOracle() {
    }

    static synchronized Path binary() {
        if (binary == null) {
            binary = io.fleetwarden.testing.CachedBuild.folder("bin/build-flux-operator-cli", "fleetwarden.flux-operator", 30)
                    .resolve("flux-operator");
        }
        return binary;
    }

    static Result buildResourceSet(Path file, Path inputsFrom, Path providers) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary().toString(), "build", "resourceset", "-f", file.toString()));
        if (inputsFrom != null) {
            cmd.addAll(List.of("--inputs-from", inputsFrom.toString()));
        }
        if (providers != null) {
            cmd.addAll(List.of("--inputs-from-provider", providers.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("KUBECONFIG", "/nonexistent");
        pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("flux-operator timed out on " + file);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
