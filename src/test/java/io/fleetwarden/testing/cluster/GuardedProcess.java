package io.fleetwarden.testing.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A component process (etcd, kube-apiserver, ...) that cannot outlive the JVM that started it, even when
 * that JVM is killed with SIGKILL and no shutdown hook runs.
 *
 * <p>How: the component runs under a small {@code bash} guard whose standard input is a pipe from this JVM.
 * The guard starts the component in the background and blocks reading the pipe. The kernel closes the pipe
 * when this JVM dies for any reason, the read returns, and the guard stops the component (SIGTERM, then
 * SIGKILL after five seconds). {@link #close()} closes the pipe to the same effect, so there is one way
 * down. A parent-death signal ({@code setpriv --pdeathsig}) would fire when the starting thread ends, not
 * the JVM, and JUnit's threads come and go.
 */
public final class GuardedProcess implements AutoCloseable {

    private static final String GUARD = """
            log=$1; shift
            "$@" </dev/null >>"$log" 2>&1 &
            child=$!
            echo "$child"
            # Blocks until the JVM closes our standard input (close(), or the JVM died).
            cat >/dev/null
            kill -TERM "$child" 2>/dev/null
            # Up to five seconds to stop cleanly (a zombie, state Z, has stopped), then SIGKILL; wait reaps it.
            for _ in $(seq 50); do
              state=$(cut -d' ' -f3 "/proc/$child/stat" 2>/dev/null) || break
              [ "$state" = Z ] && break
              sleep 0.1
            done
            kill -KILL "$child" 2>/dev/null
            wait "$child"
            """;

    private final String name;
    private final Process guard;
    private final OutputStream lifeline;
    private final Path log;
    private final long componentPid;

    private GuardedProcess(String name, Process guard, Path log, long componentPid) {
        this.name = name;
        this.guard = guard;
        this.lifeline = guard.getOutputStream();
        this.log = log;
        this.componentPid = componentPid;
    }

    /** Starts {@code command} with its output in {@code log}. */
    public static GuardedProcess start(String name, List<String> command, Map<String, String> env, Path log) {
        List<String> full = new ArrayList<>(List.of("bash", "-c", GUARD, "guard-" + name, log.toString()));
        full.addAll(command);
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().putAll(env);
            Process guard = builder.start();
            // The guard's first line is the component's pid.
            String pidLine = readLine(guard.getInputStream());
            try {
                return new GuardedProcess(name, guard, log, Long.parseLong(pidLine.trim()));
            } catch (NumberFormatException e) {
                guard.destroyForcibly();
                throw new IllegalStateException(name + ": the process guard did not start (" + pidLine + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    /** The component's own process id (not the guard's). */
    public long pid() {
        return componentPid;
    }

    public long guardPid() {
        return guard.pid();
    }

    public Path log() {
        return log;
    }

    /** Whether the component still runs; a zombie (exited, not yet reaped by its guard) has stopped. */
    public boolean isAlive() {
        return isRunning(componentPid);
    }

    /** Whether process {@code pid} exists and is not a zombie (Linux {@code /proc}). */
    public static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // pid (comm) state ...: comm may hold spaces and parentheses, the state follows the last ')'.
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** The last {@code lines} lines of the component's log, for failure messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        try {
            lifeline.close();
        } catch (IOException e) {
            // the guard is gone already; the component is handled below
        }
        try {
            if (!guard.waitFor(10, TimeUnit.SECONDS)) {
                ProcessHandle.of(componentPid).ifPresent(ProcessHandle::destroyForcibly);
                guard.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessHandle.of(componentPid).ifPresent(ProcessHandle::destroyForcibly);
            guard.destroyForcibly();
        }
    }

    private static String readLine(java.io.InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }
}
