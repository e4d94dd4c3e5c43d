package io.fleetwarden.bench;

import io.fleetwarden.testing.WebhookClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged service as the benchmark runs it: {@link io.fleetwarden.testing.ServiceProcess} (its own JVM,
 * configured only through {@code -D} properties, bound to loopback) with a fixed heap and a GC log, reached
 * over HTTPS trusting the fixture's CA only.
 */
final class ServiceProcess implements AutoCloseable {

    final Path log;
    final Path gcLog;
    final String maxHeap;
    private final io.fleetwarden.testing.ServiceProcess service;
    private final WebhookClient client;

    ServiceProcess(WebhookFixture fixture, String maxHeap) throws IOException {
        this.gcLog = fixture.work.resolve("gc.log");
        this.maxHeap = maxHeap;
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + maxHeap, "-Xlog:gc:file=" + gcLog + ":uptime,level,tags"));
        // For profiling runs, e.g. FLEETWARDEN_BENCH_SERVICE_OPTS=-XX:StartFlightRecording=filename=/tmp/s.jfr
        String extra = System.getenv().getOrDefault("FLEETWARDEN_BENCH_SERVICE_OPTS", "").strip();
        if (!extra.isEmpty()) {
            jvm.addAll(List.of(extra.split("\\s+")));
        }
        this.service = io.fleetwarden.testing.ServiceProcess.start(Path.of("target/quarkus-app"), Map.of(
                "quarkus.http.host", "127.0.0.1",
                "quarkus.kubernetes-client.api-server-url", fixture.apiServerUrl(),
                "quarkus.kubernetes-client.trust-certs", "true",
                "fleetwarden.tls.cert-file", fixture.tls.certFile().toString(),
                "fleetwarden.tls.key-file", fixture.tls.keyFile().toString(),
                "fleetwarden.gate.trusted-roots.local", fixture.trustedRoot.toString()), jvm);
        this.log = service.log();
        this.client = WebhookClient.trusting(List.of(fixture.tls.current().ca())).at(service.port());
    }

    long pid() {
        return service.pid();
    }

    String url(String path) {
        return "https://localhost:" + service.port() + path;
    }

    /** Waits for readiness (policies and trusted roots loaded); fails if the JVM exits. */
    Duration awaitReady(Duration atMost) throws IOException {
        Instant start = Instant.now();
        service.awaitReady(client, atMost);
        return Duration.between(start, Instant.now());
    }

    String metrics() {
        HttpResponse<String> r = client.get("/q/metrics");
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
        service.close();
    }
}
