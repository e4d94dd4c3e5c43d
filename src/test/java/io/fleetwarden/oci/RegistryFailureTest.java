package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.oci.RegistryException.Kind;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Registries that cannot be reached, do not answer, or must not be spoken to in plain HTTP. */
class RegistryFailureTest {

    private final HttpRegistryClient client = HttpRegistryClient.withDefaults();

    @AfterEach
    void stop() {
        client.close();
    }

    @Test
    void aClosedPortIsUnavailable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        OciReference ref = OciReference.parse("127.0.0.1:" + port + "/app:v1");

        assertThatThrownBy(() -> client.resolve(ref, Deadline.after(Duration.ofSeconds(10))))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
                .hasMessage("resolve " + ref + ": connection refused or failed");
    }

    @Test
    void anExpiredDeadlineIsATimeoutBeforeAnyRequest() {
        OciReference ref = OciReference.parse("127.0.0.1:1/app:v1");

        assertThatThrownBy(() -> client.resolve(ref, Deadline.after(Duration.ZERO)))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT))
                .hasMessage("deadline exceeded before resolve " + ref);
    }

    @Test
    void aRegistryThatAcceptsButNeverAnswersTimesOutAtTheDeadline() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    accepted.add(silent.accept()); // hold the connection open, never write
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            OciReference ref = OciReference.parse("127.0.0.1:" + silent.getLocalPort() + "/app:v1");
            long start = System.nanoTime();

            assertThatThrownBy(() -> client.resolve(ref, Deadline.after(Duration.ofMillis(500))))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT))
                    .hasMessageStartingWith("resolve " + ref + ": ");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void anInterruptedCallerGetsAnErrorAndKeepsItsInterruptFlag() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            OciReference ref = OciReference.parse("127.0.0.1:" + silent.getLocalPort() + "/app:v1");
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> client.resolve(ref, Deadline.after(Duration.ofSeconds(10))))
                        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
                        .hasMessage("resolve " + ref + ": interrupted");
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
        }
    }

    @Test
    void onlyLoopbackAndConfiguredHostsGetPlainHttp() {
        assertThat(client.baseUri("ghcr.io")).isEqualTo(URI.create("https://ghcr.io"));
        assertThat(client.baseUri("registry.internal:5000")).isEqualTo(URI.create("https://registry.internal:5000"));
        assertThat(client.baseUri("docker.io")).isEqualTo(URI.create("https://registry-1.docker.io"));
        assertThat(client.baseUri("localhost:5000")).isEqualTo(URI.create("http://localhost:5000"));
        assertThat(client.baseUri("127.0.0.1:5001")).isEqualTo(URI.create("http://127.0.0.1:5001"));
        assertThat(client.baseUri("127.1.2.3")).isEqualTo(URI.create("http://127.1.2.3"));
        assertThat(client.baseUri("[::1]:5000")).isEqualTo(URI.create("http://[::1]:5000"));
        assertThat(client.baseUri("127.0.0.1.example.com")).isEqualTo(URI.create("https://127.0.0.1.example.com"));
        assertThat(client.baseUri("localhost.example.com")).isEqualTo(URI.create("https://localhost.example.com"));
        try (HttpRegistryClient insecure = new HttpRegistryClient(RegistryClientConfig.builder()
                .insecureHost("registry.internal:5000").insecureHost("Mirror.LAN").build())) {
            assertThat(insecure.baseUri("registry.internal:5000")).isEqualTo(URI.create("http://registry.internal:5000"));
            assertThat(insecure.baseUri("registry.internal:5001")).isEqualTo(URI.create("https://registry.internal:5001"));
            assertThat(insecure.baseUri("mirror.lan:8080")).isEqualTo(URI.create("http://mirror.lan:8080"));
        }
    }

    @Test
    void aNonLoopbackRegistryIsReachedOverHttps() {
        // .invalid never resolves (RFC 2606), so this fails at name resolution, before any connection.
        OciReference ref = OciReference.parse("registry.example.invalid/app:v1");

        assertThatThrownBy(() -> client.resolve(ref, Deadline.after(Duration.ofSeconds(10))))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                    assertThat(e).hasMessage("resolve " + ref + ": host not found");
                });
        assertThat(client.api(ref, "manifests/v1")).isEqualTo(URI.create("https://registry.example.invalid/v2/app/manifests/v1"));
    }

    @Test
    void referencesBuiltByHandAreCheckedBeforeTheyBecomeUrls() {
        OciReference traversal = new OciReference("ghcr.io", "org/../../admin", "v1", null);

        assertThatThrownBy(() -> client.resolve(traversal, Deadline.after(Duration.ofSeconds(10))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid OCI reference \"ghcr.io/org/../../admin:v1\": repository path component \"..\" must match "
                        + "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*");
        assertThatThrownBy(() -> client.manifestByTag(OciReference.parse("ghcr.io/org/app"), "../v1",
                Deadline.after(Duration.ofSeconds(10)))).isInstanceOf(IllegalArgumentException.class);
    }
}
