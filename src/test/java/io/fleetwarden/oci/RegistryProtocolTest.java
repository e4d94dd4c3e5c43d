package io.fleetwarden.oci;

import static io.fleetwarden.testing.LoopbackHttpServer.respond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.oci.RegistryException.Kind;
import io.fleetwarden.testing.LoopbackHttpServer;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Registry behaviour Distribution 2.8.2 cannot show, against a scripted loopback server. */
class RegistryProtocolTest {

    private static final String BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json";
    private static final String MANIFEST = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"" + Digest.sha256Of(b("{}"))
            + "\",\"size\":2},\"layers\":[]}";
    private static final Digest SUBJECT = Digest.sha256Of(b(MANIFEST));

    private final LoopbackHttpServer server = LoopbackHttpServer.start();
    private final HttpRegistryClient client = HttpRegistryClient.withDefaults();

    @AfterEach
    void stop() {
        server.close();
        client.close();
    }

    @Test
    void usesTheReferrersApiFirstAndFiltersByArtifactTypeItself() throws Exception {
        // A registry that ignores the artifactType filter, as the spec allows.
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + entry(Digest.sha256Of(b("bundle")), BUNDLE, "{\"dev.sigstore.bundle.content\":\"dsse-envelope\"}") + ","
                + entry(Digest.sha256Of(b("sbom")), "application/spdx+json", "{}") + "]}";
        server.route("/v2/app/referrers/" + SUBJECT, ex -> respond(ex, 200,
                Map.of("Content-Type", "application/vnd.oci.image.index.v1+json"), b(index)));

        List<Descriptor> bundles = client.referrers(ref(), SUBJECT, BUNDLE, deadline());
        List<Descriptor> all = client.referrers(ref(), SUBJECT, null, deadline());

        assertThat(bundles).singleElement().satisfies(d -> {
            assertThat(d.digest()).isEqualTo(Digest.sha256Of(b("bundle")));
            assertThat(d.annotations()).containsEntry("dev.sigstore.bundle.content", "dsse-envelope");
        });
        assertThat(all).hasSize(2);
        // (The tag schema's index is asked for at the same time, see below; with an API its answer is unused.)
        assertThat(server.received()).extracting(LoopbackHttpServer.Received::pathAndQuery)
                .filteredOn(path -> path.contains("/referrers/")).containsExactly(
                "/v2/app/referrers/" + SUBJECT + "?artifactType=application%2Fvnd.dev.sigstore.bundle.v0.3%2Bjson",
                "/v2/app/referrers/" + SUBJECT);
    }

    @Test
    void withoutAReferrersApiTheTagSchemaIndexAskedForMeanwhileIsUsed() throws Exception {
        // The API answers 404 only once the tag schema's index has been asked for: a client that waited for the
        // API's answer before asking would make this route wait 5 s and the assertion below fail.
        CountDownLatch schemaAsked = new CountDownLatch(1);
        AtomicBoolean askedWhileApiPending = new AtomicBoolean();
        Digest bundle = Digest.sha256Of(b("bundle"));
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + entry(bundle, BUNDLE, "{}") + "]}";
        server.route("/v2/app/referrers/" + SUBJECT, ex -> {
            try {
                askedWhileApiPending.set(schemaAsked.await(5, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(ex, 404, Map.of(), new byte[0]);
        });
        server.route("/v2/app/manifests/" + SUBJECT.asTagPrefix(), ex -> {
            schemaAsked.countDown();
            respond(ex, 200, Map.of("Content-Type", ManifestJson.OCI_INDEX), b(index));
        });

        assertThat(client.referrers(ref(), SUBJECT, BUNDLE, deadline())).extracting(Descriptor::digest)
                .containsExactly(bundle);
        assertThat(askedWhileApiPending).isTrue();
    }

    @Test
    void followsLinkPaginationForTagsAndReferrers() throws Exception {
        server.route("/v2/app/tags/list", ex -> {
            boolean second = ex.getRequestURI().getQuery() != null && ex.getRequestURI().getQuery().contains("last=b");
            Map<String, String> headers = second ? Map.of()
                    : Map.of("Link", "</v2/app/tags/list?n=2&last=b>; rel=\"next\"");
            respond(ex, 200, headers, b(second ? "{\"tags\":[\"c\"]}" : "{\"tags\":[\"a\",\"b\"]}"));
        });
        server.route("/v2/app/referrers/" + SUBJECT, ex -> {
            boolean second = ex.getRequestURI().getQuery() != null;
            Digest d = Digest.sha256Of(b(second ? "2" : "1"));
            respond(ex, 200, second ? Map.of("Content-Type", ManifestJson.OCI_INDEX) : Map.of("Content-Type",
                    ManifestJson.OCI_INDEX, "Link", "<http://" + server.host() + "/v2/app/referrers/" + SUBJECT
                            + "?page=2>; rel=\"next\""), b("{\"manifests\":[" + entry(d, BUNDLE, "{}") + "]}"));
        });

        assertThat(client.tags(ref(), deadline())).containsExactly("a", "b", "c");
        assertThat(client.referrers(ref(), SUBJECT, null, deadline())).extracting(Descriptor::digest)
                .containsExactly(Digest.sha256Of(b("1")), Digest.sha256Of(b("2")));
        try (HttpRegistryClient onePage = new HttpRegistryClient(RegistryClientConfig.builder()
                .limits(new RegistryLimits(1024, 10, 100, 1, 1024, 0)).build())) {
            assertThatThrownBy(() -> onePage.tags(ref(), deadline())).isInstanceOfSatisfying(RegistryException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE)).hasMessageEndingWith(": more than 1 pages");
        }
    }

    @Test
    void refusesPaginationLinksToAnotherOrigin() {
        server.route("/v2/app/tags/list", ex -> respond(ex, 200,
                Map.of("Link", "<http://localhost:1/v2/app/tags/list?last=a>; rel=\"next\""), b("{\"tags\":[\"a\"]}")));

        assertThatThrownBy(() -> client.tags(ref(), deadline())).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE)).hasMessageContaining("Link to another origin");
    }

    @Test
    void refusesContentThatDoesNotMatchItsDigest() {
        Digest claimed = Digest.sha256Of(b("something else"));
        server.route("/v2/app/manifests/" + claimed, ex -> respond(ex, 200, Map.of(), b(MANIFEST)));
        server.route("/v2/app/blobs/" + claimed, ex -> respond(ex, 200, Map.of(), b("tampered")));

        assertThatThrownBy(() -> client.manifest(ref(), claimed, deadline())).isInstanceOfSatisfying(
                RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE))
                .hasMessage("GET manifest " + claimed + " of " + server.host() + "/app: content does not match digest " + claimed);
        assertThatThrownBy(() -> client.blob(ref(), claimed, 100, deadline())).isInstanceOfSatisfying(
                RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_RESPONSE));
    }

    @Test
    void resolvesByGetWhenHeadGivesNoDigestAndDigestsTheBytes() throws Exception {
        server.route("/v2/app/manifests/v1", ex -> respond(ex, 200,
                Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json"), b(MANIFEST)));

        Descriptor resolved = client.resolve(OciReference.parse(server.host() + "/app:v1"), deadline());

        assertThat(resolved).isEqualTo(Descriptor.of(ManifestJson.OCI_MANIFEST, SUBJECT, MANIFEST.length()));
        assertThat(server.received()).extracting(LoopbackHttpServer.Received::method).containsExactly("HEAD", "GET");
    }

    /**
     * The exchanges run on the client's own reused threads. The JDK's {@code sendAsync} would complete each one
     * through a new thread on a machine with two CPUs or fewer (where this fails if that comes back).
     */
    @Test
    void manyRequestsStartFewThreads() throws Exception {
        server.route("/v2/app/manifests/v1", ex -> respond(ex, 200,
                Map.of("Content-Type", "application/vnd.oci.image.manifest.v1+json"), b(MANIFEST)));
        OciReference ref = OciReference.parse(server.host() + "/app:v1");
        client.resolve(ref, deadline()); // the client's pool and connection exist from here on
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getTotalStartedThreadCount();

        for (int i = 0; i < 100; i++) {
            assertThat(client.resolve(ref, deadline()).digest()).isEqualTo(SUBJECT);
        }

        assertThat(threads.getTotalStartedThreadCount() - before).as("threads started for 200 requests").isLessThan(20);
    }

    @Test
    void cutsOffAChunkedBodyOverTheCap() {
        byte[] big = new byte[64 * 1024];
        server.route("/v2/app/blobs/" + Digest.sha256Of(big), ex -> {
            ex.sendResponseHeaders(200, 0); // chunked: no Content-Length to refuse up front
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 16; i++) {
                    out.write(big, 0, 4096);
                    out.flush();
                }
            } catch (java.io.IOException clientHungUp) {
                // expected once the client cancels
            }
        });

        assertThatThrownBy(() -> client.blob(ref(), Digest.sha256Of(big), 10_000, deadline()))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE))
                .hasMessageEndingWith(": body exceeds 10000 bytes");
    }

    @Test
    void boundsTheEntriesOfAnIndex() throws Exception {
        StringBuilder entries = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            entries.append(i == 0 ? "" : ",").append(entry(Digest.sha256Of(b("e" + i)), BUNDLE, "{}"));
        }
        server.route("/v2/app/manifests/" + SUBJECT.asTagPrefix(), ex -> respond(ex, 200, Map.of(),
                b("{\"schemaVersion\":2,\"mediaType\":\"" + ManifestJson.OCI_INDEX + "\",\"manifests\":[" + entries + "]}")));

        try (HttpRegistryClient small = new HttpRegistryClient(RegistryClientConfig.builder()
                .limits(new RegistryLimits(4096, 2, 100, 10, 4096, 0)).build())) {
            assertThatThrownBy(() -> small.referrers(ref(), SUBJECT, null, deadline()))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE))
                    .hasMessageEndingWith(": index has 3 entries, at most 2 are read");
            assertThat(client.referrers(ref(), SUBJECT, null, deadline())).hasSize(3);
        }
    }

    @Test
    void mapsRegistryErrorsAndJunk() {
        server.route("/v2/app/manifests/busy", ex -> respond(ex, 429, Map.of(), b("")));
        server.route("/v2/app/manifests/broken", ex -> respond(ex, 503, Map.of(), b("")));
        server.route("/v2/app/manifests/junk", ex -> respond(ex, 200, Map.of(), b("<html>")));
        server.route("/v2/app/manifests/schema1", ex -> respond(ex, 200, Map.of(), b("{\"schemaVersion\":1}")));

        assertKind("busy", Kind.UNAVAILABLE, "registry unavailable (HTTP 429)");
        assertKind("broken", Kind.UNAVAILABLE, "registry unavailable (HTTP 503)");
        assertKind("junk", Kind.INVALID_RESPONSE, "not valid JSON");
        assertKind("schema1", Kind.INVALID_RESPONSE, "schemaVersion is not 2");
    }

    private void assertKind(String tag, Kind kind, String messageEnd) {
        assertThatThrownBy(() -> client.manifestByTag(ref(), tag, deadline())).isInstanceOfSatisfying(
                RegistryException.class, e -> assertThat(e.kind()).isEqualTo(kind))
                .hasMessage("GET manifest " + server.host() + "/app:" + tag + ": " + messageEnd);
    }

    private static String entry(Digest digest, String artifactType, String annotations) {
        return "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + digest
                + "\",\"size\":10,\"artifactType\":\"" + artifactType + "\",\"annotations\":" + annotations + "}";
    }

    private OciReference ref() {
        return OciReference.parse(server.host() + "/app");
    }

    static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(10));
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
