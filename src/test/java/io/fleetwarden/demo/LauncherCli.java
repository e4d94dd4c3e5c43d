package io.fleetwarden.demo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the packaged application through {@code bin/fleetwarden}, as a user would, and times each call. */
final class LauncherCli implements Demo.Cli {

    private final Path launcher;

    LauncherCli(Path launcher) {
        this.launcher = launcher;
    }

    @Override
    public Demo.Result run(List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(args);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Demo.Result(-1, output + "\n(timed out)");
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Demo.Result(p.exitValue(), output + "(bin/fleetwarden took " + millis + " ms)");
    }
}
