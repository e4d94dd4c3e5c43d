package io.fleetwarden.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One command line run as a process, timed as a shell's {@code time} times it: from the start of the process to its
 * exit, standard output written to a file (as {@code > out.yaml} would), standard error kept for a failure.
 */
record TimedCommand(List<String> command, Map<String, String> environment) {

    /** Runs it once; {@code output} then holds what it printed. */
    long run(Path output) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(output.toFile())
                .redirectError(output.resolveSibling(output.getFileName() + ".err").toFile());
        pb.environment().putAll(environment);
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " ran over 5 minutes");
        }
        long nanos = System.nanoTime() - start;
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": "
                    + Files.readString(output.resolveSibling(output.getFileName() + ".err")));
        }
        return nanos;
    }
}
