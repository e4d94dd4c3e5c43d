package io.fleetwarden.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
        return start(extraConfig, false);
    }

    /**
     * A registry that requires a login ({@code htpasswd} auth: it answers Basic challenges) for {@code user}
     * with {@code password}; the caller closes it.
     */
    public static TestRegistry startWithLogin(String user, String password) {
        try {
            byte[] salt = new byte[16];
            new java.security.SecureRandom().nextBytes(salt);
            Path htpasswd = Files.createTempFile("fleetwarden-htpasswd", "");
            htpasswd.toFile().deleteOnExit();
            Files.writeString(htpasswd, user + ":" + org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2y",
                    password.toCharArray(), salt, 5) + "\n");
            return start("auth:\n  htpasswd:\n    realm: fleetwarden\n    path: " + htpasswd + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("could not write the htpasswd file: " + e.getMessage(), e);
        }
    }

    /**
     * A registry that logs only warnings and errors, for benchmarks: at level info Distribution writes a long
     * "response completed" line for every request, which costs it about a quarter of its CPU time per request
     * on loopback (measured with wrk, 1 connection: 1,040 vs 1,390 manifest GETs a second) and competes with
     * the service under test for the same cores. Readiness is then polled ({@code GET /v2/}), since the
     * "listening on" line is an info line.
     */
    public static TestRegistry startQuiet() {
        return start(null, true);
    }

    /**
     * A second registry over the storage of {@code origin}, serving it over HTTPS only with {@code serving}'s
     * certificate and key (PEM files), and when {@code clientCa} is not null requiring a client certificate
     * issued by it (mutual TLS), as a registry behind a company's private CA does. What is pushed to
     * {@code origin} (over plain HTTP, as the test tools push) is served by this one at once. The caller closes it.
     */
    public static TestRegistry tlsMirrorOf(TestRegistry origin, Path servingCert, Path servingKey, Path clientCa) {
        String tls = "  tls:\n    certificate: " + servingCert + "\n    key: " + servingKey + "\n"
                + (clientCa == null ? "" : "    clientcas: [" + clientCa + "]\n");
        return start(null, false, origin.root.resolve("data"), tls);
    }

    private static TestRegistry start(String extraConfig, boolean quiet) {
        return start(extraConfig, quiet, null, "");
    }

    private static TestRegistry start(String extraConfig, boolean quiet, Path data, String tls) {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " not found: install the Debian package docker-registry "
                    + "(bash .ci/run does) or set FLEETWARDEN_REGISTRY_BIN");
        }
        try {
            return new TestRegistry(extraConfig, quiet, data, tls);
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + BINARY + ": " + e.getMessage(), e);
        }
    }

    private TestRegistry(String extraConfig, boolean quiet, Path data, String tls) throws IOException {
        root = Files.createTempDirectory("fleetwarden-registry");
        port = LoopbackPorts.free();
        Path config = root.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log: {level: %s, accesslog: {disabled: true}, formatter: text}
                storage:
                  filesystem: {rootdirectory: %s}
                  delete: {enabled: true}
                  cache: {blobdescriptor: inmemory}
                http:
                  addr: 127.0.0.1:%d
                  secret: fleetwarden-tests-only
                %s
                health: {storagedriver: {enabled: false}}
                %s
                """.formatted(quiet ? "warn" : "info", data == null ? root.resolve("data") : data, port, tls,
                extraConfig == null ? "" : extraConfig));
        process = new ProcessBuilder(BINARY.toString(), "serve", config.toString()).redirectErrorStream(true).start();
        awaitListening(quiet);
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

    /**
     * Reads the registry's log until it says it listens: a real readiness signal rather than a sleep. A quiet
     * registry does not say it, so its API is asked instead until it answers.
     */
    private void awaitListening(boolean quiet) throws IOException {
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
                    if (quiet && line.contains("level=fatal")) {
                        ready.complete(false);
                    }
                }
            } catch (IOException e) {
                // the process ended; fall through
            }
            ready.complete(false);
        }, "test-registry-log-" + port);
        pump.setDaemon(true);
        pump.start();
        if (quiet) {
            pollApi(ready);
        }
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

    /** Completes {@code ready} once {@code GET /v2/} answers 200, or with false after 30 s or when the process ends. */
    private void pollApi(CompletableFuture<Boolean> ready) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest ping = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + host() + "/v2/"))
                .timeout(java.time.Duration.ofSeconds(1)).build();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!ready.isDone() && System.nanoTime() < end && process.isAlive()) {
            try {
                if (http.send(ping, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    ready.complete(true);
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            try {
                Thread.sleep(20); // the polling interval of a readiness probe, not a synchronisation by time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        ready.complete(false);
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
