package io.fleetwarden.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real OCI registry (CNCF Distribution, Debian package {@code docker-registry}) on a free loopback port,
 * plain HTTP, anonymous, with deletes enabled. One per test JVM ({@link #shared()}); it is stopped when the
 * JVM exits. Tests never depend on the internet.
 */
public final class TestRegistry implements AutoCloseable {

    private static final Path BINARY = Path.of(System.getenv().getOrDefault("FLEETWARDEN_REGISTRY_BIN",
            "/usr/bin/docker-registry"));
    private static TestRegistry shared;

    private final Process process;
    private final Path root;
    private final int port;
    private final List<String> log = new ArrayList<>();

    /** The registry shared by every test in this JVM; started on first use. */
    public static synchronized TestRegistry shared() {
        if (shared == null) {
            shared = start(null);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /**
     * Starts a fresh registry. {@code extraConfig} is appended to the YAML config (for example an
     * {@code auth:} section); the caller closes it.
     */
    public static TestRegistry start(String extraConfig) {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " not found: install the Debian package docker-registry "
                    + "(bash .ci/run does) or set FLEETWARDEN_REGISTRY_BIN");
        }
        try {
            return new TestRegistry(extraConfig);
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + BINARY + ": " + e.getMessage(), e);
        }
    }

    private TestRegistry(String extraConfig) throws IOException {
        root = Files.createTempDirectory("fleetwarden-registry");
        port = freePort();
        Path config = root.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log: {level: info, accesslog: {disabled: true}, formatter: text}
                storage:
                  filesystem: {rootdirectory: %s}
                  delete: {enabled: true}
                  cache: {blobdescriptor: inmemory}
                http:
                  addr: 127.0.0.1:%d
                  secret: fleetwarden-tests-only
                health: {storagedriver: {enabled: false}}
                %s
                """.formatted(root.resolve("data"), port, extraConfig == null ? "" : extraConfig));
        process = new ProcessBuilder(BINARY.toString(), "serve", config.toString()).redirectErrorStream(true).start();
        awaitListening();
    }

    /** {@code 127.0.0.1:<port>}, the registry host as it appears in references. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The registry's own log so far, for assertion messages. */
    public synchronized String log() {
        return String.join("\n", log);
    }

    /** Reads the registry's log until it says it listens: a real readiness signal rather than a sleep. */
    private void awaitListening() throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    synchronized (this) {
                        if (log.size() < 2000) {
                            log.add(line);
                        }
                    }
                    if (line.contains("listening on")) {
                        ready.complete(true);
                    }
                }
            } catch (IOException e) {
                // the process ended; fall through
            }
            ready.complete(false);
        }, "test-registry-log-" + port);
        pump.setDaemon(true);
        pump.start();
        boolean ok;
        try {
            ok = ready.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            ok = false;
        }
        if (!ok) {
            process.destroyForcibly();
            throw new IOException("registry did not start on port " + port + ":\n" + log());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
