package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.testing.LoopbackHttpServer;
import io.fleetwarden.testing.OciPublisher;
import io.fleetwarden.testing.StallingServer;
import io.fleetwarden.testing.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link HttpRegistryClient#openBlob}: a blob streamed, capped, digest-checked before its end, within the deadline. */
class OpenBlobTest {

    private static final int MIB = 1024 * 1024;
    private static OciPublisher publisher;
    private static HttpRegistryClient client;

    @BeforeAll
    static void start() {
        publisher = new OciPublisher(TestRegistry.shared());
        client = HttpRegistryClient.withDefaults();
    }

    @AfterAll
    static void stop() {
        publisher.close();
        client.close();
    }

    @Test
    void streamsTheBlobFromARealRegistryAndEndsAfterItsDigestMatched() throws Exception {
        String repo = uniqueRepo();
        byte[] content = random(3 * MIB);
        Digest digest = publisher.pushBlob(repo, content);

        try (InputStream blob = client.openBlob(ref(repo), digest, content.length, deadline())) {
            assertThat(blob.readAllBytes()).isEqualTo(content);
            assertThat(blob.read()).as("end of stream stays the end").isEqualTo(-1);
        }
    }

    @Test
    void aBlobAnnouncingMoreThanTheCapIsRefusedBeforeItsBodyIsRead() throws Exception {
        String repo = uniqueRepo();
        byte[] content = random(MIB);
        Digest digest = publisher.pushBlob(repo, content);

        assertThatThrownBy(() -> client.openBlob(ref(repo), digest, content.length - 1, deadline()))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE))
                .hasMessage("GET blob " + digest + " of " + ref(repo).repositoryName() + ": body exceeds "
                        + (content.length - 1) + " bytes");
    }

    @Test
    void aMissingBlobIsNotFound() {
        String repo = uniqueRepo();
        publisher.pushBlob(repo, "x".getBytes(StandardCharsets.UTF_8)); // the repository exists
        Digest absent = Digest.sha256Of("absent".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> client.openBlob(ref(repo), absent, 100, deadline()))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    }

    @Test
    void aDeadlinePassingWhileReadingFailsTheNextRead() throws Exception {
        String repo = uniqueRepo();
        byte[] content = random(4 * MIB);
        Digest digest = publisher.pushBlob(repo, content);
        Deadline deadline = Deadline.after(Duration.ofSeconds(2));

        try (InputStream blob = client.openBlob(ref(repo), digest, content.length, deadline)) {
            assertThat(blob.read()).isEqualTo(content[0] & 0xff);
            await().atMost(Duration.ofSeconds(10)).until(deadline::expired);

            assertThatThrownBy(blob::readAllBytes).isInstanceOfSatisfying(BlobReadException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT))
                    .hasMessage("GET blob " + digest + " of " + ref(repo).repositoryName()
                            + ": deadline exceeded while reading the body");
        }
    }

    @Test
    void anExpiredDeadlineIsATimeoutBeforeAnyRequest() {
        Digest digest = Digest.sha256Of(new byte[0]);

        assertThatThrownBy(() -> client.openBlob(ref(uniqueRepo()), digest, 100, Deadline.after(Duration.ZERO)))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
    }

    @Test
    void aBodyThatStallsIsCutOffAtTheDeadline() throws Exception {
        try (StallingServer stalling = StallingServer.trickling()) {
            OciReference ref = OciReference.parse("127.0.0.1:" + stalling.port() + "/app");
            long start = System.nanoTime();

            try (InputStream blob = client.openBlob(ref, Digest.sha256Of(new byte[0]), MIB,
                    Deadline.after(Duration.ofMillis(700)))) {
                assertThatThrownBy(blob::readAllBytes).isInstanceOfSatisfying(BlobReadException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.TIMEOUT));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void contentNotMatchingTheDigestNeverReachesEndOfStream() throws Exception {
        byte[] served = random(300_000);
        Digest claimed = Digest.sha256Of("what was verified".getBytes(StandardCharsets.UTF_8));
        try (LoopbackHttpServer registry = LoopbackHttpServer.start()) {
            registry.route("/v2/app/blobs/" + claimed, exchange ->
                    LoopbackHttpServer.respond(exchange, 200, Map.of(), served));
            OciReference ref = OciReference.parse(registry.host() + "/app");
            ByteArrayOutputStream delivered = new ByteArrayOutputStream();

            try (InputStream blob = client.openBlob(ref, claimed, MIB, deadline())) {
                assertThatThrownBy(() -> copyUntilEnd(blob, delivered))
                        .isInstanceOfSatisfying(BlobReadException.class, e -> assertThat(e.kind())
                                .isEqualTo(Kind.INVALID_RESPONSE))
                        .hasMessage("GET blob " + claimed + " of " + ref.repositoryName() + ": content does not match "
                                + "digest " + claimed + " (300000 bytes received)");
                assertThatThrownBy(blob::read).as("the failure is sticky").isInstanceOf(BlobReadException.class);
            }
            assertThat(delivered.size()).isEqualTo(served.length);
        }
    }

    @Test
    void aChunkedBodyGoingPastTheCapIsCutOffWithoutBeingBuffered() throws Exception {
        byte[] served = random(4 * MIB);
        Digest digest = Digest.sha256Of(served);
        int cap = 256 * 1024;
        try (LoopbackHttpServer registry = LoopbackHttpServer.start()) {
            registry.route("/v2/app/blobs/" + digest, exchange -> {
                exchange.sendResponseHeaders(200, 0); // chunked: no Content-Length to refuse up front
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(served);
                } catch (IOException cutOff) {
                    // the client hung up, as it should
                }
            });
            OciReference ref = OciReference.parse(registry.host() + "/app");
            ByteArrayOutputStream delivered = new ByteArrayOutputStream();

            try (InputStream blob = client.openBlob(ref, digest, cap, deadline())) {
                assertThatThrownBy(() -> copyUntilEnd(blob, delivered))
                        .isInstanceOfSatisfying(BlobReadException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE))
                        .hasMessage("GET blob " + digest + " of " + ref.repositoryName() + ": body exceeds " + cap + " bytes");
            }
            assertThat(delivered.size()).as("the reader never gets more than the cap").isLessThanOrEqualTo(cap);
        }
    }

    /** Copies until end of stream; end of stream must never come for a bad blob. */
    private static void copyUntilEnd(InputStream in, ByteArrayOutputStream out) throws IOException {
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
        }
        throw new AssertionError("end of stream reported after " + out.size() + " bytes");
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static OciReference ref(String repo) {
        return OciReference.parse(publisher.host() + "/" + repo);
    }

    private static String uniqueRepo() {
        return "blobs/" + UUID.randomUUID();
    }

    private static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(20));
    }
}
