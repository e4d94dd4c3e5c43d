package io.fleetwarden.testing.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The kubectl we build, run against a kubeconfig file, its output captured as a user would see it. */
public record Kubectl(Path binary, Path kubeconfig) {

    /** What kubectl printed (standard output and error, interleaved as on a terminal) and its exit code. */
    public record Result(int exit, String output) {
    }

    public Result run(List<String> args) {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        try {
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kubectl " + args + " did not end within 60 s");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Result run(String... args) {
        return run(List.of(args));
    }
}
