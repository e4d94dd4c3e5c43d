package io.fleetwarden.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged service ({@code target/quarkus-app}, built by {@code mvn package}) in its own JVM, configured
 * with system properties, as the demo and the load benchmark run it. Its output goes to a log file; it is
 * stopped on close (and by a shutdown hook, so nothing is left running).
 */
public final class ServiceProcess implements AutoCloseable {

    private final io.fleetwarden.testing.cluster.GuardedProcess process;
    private final int port;
    private final Path log;

    private ServiceProcess(io.fleetwarden.testing.cluster.GuardedProcess process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * @param properties system properties (API server URL, TLS files, trusted roots, ...); the HTTPS port is
     *                   chosen here
     * @param jvmOptions e.g. {@code -Xmx256m}
     */
    public static ServiceProcess start(Path app, Map<String, String> properties, List<String> jvmOptions) throws IOException {
        return start(app, properties, jvmOptions, Map.of());
    }

    /** As {@link #start(Path, Map, List)}, with {@code environment} added to the process's (a container's env). */
    public static ServiceProcess start(Path app, Map<String, String> properties, List<String> jvmOptions,
            Map<String, String> environment) throws IOException {
        Path jar = app.resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " not found: build it first with mvn -B package -DskipTests");
        }
        // A caller that registers webhooks keeps one port across restarts; otherwise any free one.
        int port = properties.containsKey("quarkus.http.ssl-port") ? Integer.parseInt(properties.get("quarkus.http.ssl-port"))
                : LoopbackPorts.free();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        command.addAll(jvmOptions);
        if (!properties.containsKey("quarkus.http.ssl-port")) {
            command.add("-Dquarkus.http.ssl-port=" + port);
        }
        if (!properties.containsKey("quarkus.http.host")) {
            command.add("-Dquarkus.http.host=127.0.0.1"); // tests serve on loopback only
        }
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        Path log = Files.createTempFile("fleetwarden-service", ".log");
        // Guarded: the service cannot outlive this JVM, even one killed with SIGKILL.
        var p = io.fleetwarden.testing.cluster.GuardedProcess.start("fleetwarden", command, environment, log);
        ServiceProcess service = new ServiceProcess(p, port, log);
        Runtime.getRuntime().addShutdownHook(new Thread(service::close));
        return service;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits up to {@code timeout} for the process to exit; whether it did. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (process.isAlive() && Instant.now().isBefore(end)) {
            Thread.sleep(100); // a process of our own making that gives no other signal
        }
        return !process.isAlive();
    }

    /** The whole log so far. */
    public String output() throws IOException {
        return Files.readString(log);
    }

    /** Waits until {@code /q/health/ready} answers 200 over HTTPS, or the process dies, or {@code timeout} passes. */
    public void awaitReady(WebhookClient client, Duration timeout) throws IOException {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            if (!process.isAlive()) {
                throw new IOException("the service exited; log: " + log + "\n" + tail());
            }
            try {
                if (client.at(port).get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (RuntimeException e) {
                // not listening yet
            }
            try {
                Thread.sleep(100); // polling a process of our own making that gives no other signal
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the service", e);
            }
        }
        throw new IOException("the service was not ready after " + timeout + "; log: " + log + "\n" + tail());
    }

    public String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    @Override
    public void close() {
        process.close();
    }
}
