package io.fleetwarden.bench;

import io.fleetwarden.testing.TlsFixture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) as a separate JVM with a fixed heap and a
 * GC log, configured only through {@code -D} system properties, its output in {@code service.log}. Reached
 * over HTTPS trusting the fixture's CA only.
 */
final class ServiceProcess implements AutoCloseable {

    final int port;
    final Path log;
    final Path gcLog;
    final String maxHeap;
    private final Process process;
    private final HttpClient http;

    ServiceProcess(WebhookFixture fixture, String maxHeap) throws IOException {
        this.port = freePort();
        this.log = fixture.work.resolve("service.log");
        this.gcLog = fixture.work.resolve("gc.log");
        this.maxHeap = maxHeap;
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-Xlog:gc:file=" + gcLog + ":uptime,level,tags",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.ssl-port=" + port,
                "-Dquarkus.kubernetes-client.api-server-url=" + fixture.apiServerUrl(),
                "-Dquarkus.kubernetes-client.trust-certs=true",
                "-Dfleetwarden.tls.cert-file=" + fixture.tls.certFile(),
                "-Dfleetwarden.tls.key-file=" + fixture.tls.keyFile(),
                "-Dfleetwarden.gate.trusted-roots.local=" + fixture.trustedRoot,
                "-jar", "target/quarkus-app/quarkus-run.jar"));
        // For profiling runs, e.g. FLEETWARDEN_BENCH_SERVICE_OPTS=-XX:StartFlightRecording=filename=/tmp/s.jfr
        String extra = System.getenv().getOrDefault("FLEETWARDEN_BENCH_SERVICE_OPTS", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(command.size() - 2, List.of(extra.split("\\s+")));
        }
        this.process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        this.http = HttpClient.newBuilder().sslContext(trusting(fixture.tls)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    long pid() {
        return process.pid();
    }

    String url(String path) {
        return "https://localhost:" + port + path;
    }

    /** Polls readiness (policies and trusted roots loaded) until it answers 200; fails if the JVM exits. */
    Duration awaitReady(Duration atMost) throws IOException, InterruptedException {
        Instant start = Instant.now();
        Instant until = start.plus(atMost);
        while (Instant.now().isBefore(until)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (get("/q/health/ready").statusCode() == 200) {
                    return Duration.between(start, Instant.now());
                }
            } catch (IOException notYetListening) {
                // connection refused until Quarkus has bound the port
            }
            Thread.sleep(100); // polling a readiness endpoint; nothing else to wait on from outside the process
        }
        throw new IllegalStateException("the service was not ready within " + atMost + "; see " + log);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/q/metrics");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/q/metrics answered " + r.statusCode());
        }
        return r.body();
    }

    long gcLogSize() throws IOException {
        return Files.exists(gcLog) ? Files.size(gcLog) : 0;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static SSLContext trusting(TlsFixture tls) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", tls.current().ca());
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot trust the fixture CA", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
