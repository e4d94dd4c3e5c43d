package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.testing.OciPublisher;
import io.fleetwarden.testing.OciPublisher.SigLayer;
import io.fleetwarden.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link HttpRegistryClient} against a real Distribution 2.8.2 registry (no referrers API). */
class HttpRegistryClientTest {

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
    void resolvesTagsAndDigestsToWhatWasPushed() throws Exception {
        String repo = uniqueRepo();
        Digest pushed = publisher.pushArtifact(repo, "v1", Map.of("app.yaml", bytes("kind: ConfigMap")));

        Descriptor byTag = client.resolve(ref(repo + ":v1"), deadline());
        Descriptor byDigest = client.resolve(ref(repo + "@" + pushed), deadline());

        assertThat(byTag.digest()).isEqualTo(pushed);
        assertThat(byTag.mediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(byDigest).isEqualTo(byTag);
        assertThat(byTag.size()).isEqualTo(client.manifest(ref(repo), pushed, deadline()).raw().length);
    }

    @Test
    void aMovedTagResolvesToTheNewDigest() throws Exception {
        String repo = uniqueRepo();
        Digest first = publisher.pushArtifact(repo, "stable", Map.of("a.yaml", bytes("one")));
        Digest second = publisher.pushArtifact(repo, "v2", Map.of("a.yaml", bytes("two")));
        assertThat(client.resolve(ref(repo + ":stable"), deadline()).digest()).isEqualTo(first);

        publisher.tag(repo, second, "stable");

        assertThat(second).isNotEqualTo(first);
        assertThat(client.resolve(ref(repo + ":stable"), deadline()).digest()).isEqualTo(second);
        assertThat(client.manifestByTag(ref(repo), "stable", deadline()).orElseThrow().digest()).isEqualTo(second);
    }

    @Test
    void fetchesAndParsesTheManifestByDigest() throws Exception {
        String repo = uniqueRepo();
        Map<String, byte[]> files = Map.of("deploy.yaml", bytes("apiVersion: v1"));
        Digest pushed = publisher.pushArtifact(repo, "v1", files);

        Manifest manifest = client.manifest(ref(repo), pushed, deadline());

        assertThat(manifest.digest()).isEqualTo(pushed);
        assertThat(pushed.matches(manifest.raw())).isTrue();
        assertThat(manifest.isIndex()).isFalse();
        assertThat(manifest.config().mediaType()).isEqualTo(OciPublisher.FLUX_CONFIG);
        assertThat(manifest.layers()).singleElement().satisfies(layer -> {
            assertThat(layer.mediaType()).isEqualTo(OciPublisher.FLUX_CONTENT);
            assertThat(layer.digest()).isEqualTo(Digest.sha256Of(OciPublisher.tarGz(files)));
        });
        assertThat(manifest.annotations()).containsEntry("org.opencontainers.image.source", "https://github.com/example/fleet");
    }

    @Test
    void readsBlobsUpToTheirCapAndRefusesLargerOnes() throws Exception {
        String repo = uniqueRepo();
        Map<String, byte[]> files = Map.of("big.yaml", bytes("x".repeat(10_000)));
        Digest pushed = publisher.pushArtifact(repo, "v1", files);
        Descriptor layer = client.manifest(ref(repo), pushed, deadline()).layers().get(0);

        assertThat(client.blob(ref(repo), layer.digest(), layer.size(), deadline())).isEqualTo(OciPublisher.tarGz(files));
        assertThatThrownBy(() -> client.blob(ref(repo), layer.digest(), layer.size() - 1, deadline()))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.TOO_LARGE))
                .hasMessageContaining("GET blob " + layer.digest() + " of " + ref(repo).repositoryName());
    }

    @Test
    void listsTagsWithinTheTagLimit() throws Exception {
        String repo = uniqueRepo();
        Digest d = publisher.pushArtifact(repo, "a", Map.of("f", bytes("f")));
        for (String tag : List.of("b", "c", "d", "e")) {
            publisher.tag(repo, d, tag);
        }
        // Distribution 2.8.2 ignores ?n= and sends every tag in one page: pagination is tested against a fake server.
        assertThat(client.tags(ref(repo), deadline())).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
        try (HttpRegistryClient bounded = new HttpRegistryClient(RegistryClientConfig.builder()
                .limits(RegistryLimits.defaults().withMaxTags(4)).build())) {
            assertThatThrownBy(() -> bounded.tags(ref(repo), deadline()))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.TOO_LARGE))
                    .hasMessage("list tags of " + ref(repo).repositoryName() + ": more than 4 tags");
        }
    }

    @Test
    void findsReferrersThroughTheTagSchemaAndFiltersByArtifactType() throws Exception {
        String repo = uniqueRepo();
        Digest subject = publisher.pushArtifact(repo, "v1", Map.of("f", bytes("f")));
        Digest bundle = publisher.pushBundleReferrer(repo, subject, bytes("{\"mediaType\":\"bundle\"}"));
        Digest sbom = publisher.pushReferrer(repo, subject, "application/spdx+json", bytes("{}"), Map.of());

        List<Descriptor> all = client.referrers(ref(repo), subject, null, deadline());
        List<Descriptor> bundles = client.referrers(ref(repo), subject, OciPublisher.SIGSTORE_BUNDLE, deadline());

        assertThat(all).extracting(Descriptor::digest).containsExactly(bundle, sbom);
        assertThat(bundles).singleElement().satisfies(d -> {
            assertThat(d.digest()).isEqualTo(bundle);
            assertThat(d.artifactType()).isEqualTo(OciPublisher.SIGSTORE_BUNDLE);
            assertThat(d.annotations()).containsAllEntriesOf(OciPublisher.BUNDLE_ANNOTATIONS);
        });
        Manifest referrer = client.manifest(ref(repo), bundle, deadline());
        assertThat(referrer.subject().digest()).isEqualTo(subject);
        assertThat(referrer.artifactType()).isEqualTo(OciPublisher.SIGSTORE_BUNDLE);
        assertThat(client.referrers(ref(repo), bundle, null, deadline())).isEmpty();
    }

    @Test
    void findsTheLegacySignatureManifestByTag() throws Exception {
        String repo = uniqueRepo();
        Digest subject = publisher.pushArtifact(repo, "v1", Map.of("f", bytes("f")));
        Map<String, String> annotations = Map.of("dev.cosignproject.cosign/signature", "MEUCIQ==");
        Digest sig = publisher.pushLegacySignature(repo, subject,
                List.of(new SigLayer(bytes("{\"critical\":{}}"), annotations), new SigLayer(bytes("{\"b\":1}"), Map.of())));

        Optional<Manifest> found = client.manifestByTag(ref(repo), subject.asTagPrefix() + ".sig", deadline());

        assertThat(found).hasValueSatisfying(m -> {
            assertThat(m.digest()).isEqualTo(sig);
            assertThat(m.layers()).hasSize(2);
            assertThat(m.layers().get(0).mediaType()).isEqualTo(OciPublisher.SIMPLE_SIGNING);
            assertThat(m.layers().get(0).annotations()).isEqualTo(annotations);
        });
        byte[] payload = client.blob(ref(repo), found.get().layers().get(0).digest(), 1024, deadline());
        assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo("{\"critical\":{}}");
    }

    @Test
    void missingTagsAndRepositoriesAreNotFound() throws Exception {
        String repo = uniqueRepo();
        Digest pushed = publisher.pushArtifact(repo, "v1", Map.of("f", bytes("f")));

        assertThat(client.manifestByTag(ref(repo), "nope", deadline())).isEmpty();
        assertNotFound(() -> client.resolve(ref(repo + ":nope"), deadline()), "resolve " + ref(repo + ":nope"));
        assertNotFound(() -> client.resolve(ref("no/such/repo:v1"), deadline()), "resolve " + ref("no/such/repo:v1"));
        assertNotFound(() -> client.tags(ref("no/such/repo"), deadline()), "list tags of " + ref("no/such/repo").repositoryName());
        assertNotFound(() -> client.manifest(ref("no/such/repo"), pushed, deadline()), "GET manifest " + pushed);
        assertNotFound(() -> client.blob(ref(repo), Digest.sha256Of(bytes("absent")), 10, deadline()), "GET blob");
        assertThat(client.referrers(ref(repo), pushed, null, deadline())).isEmpty();
    }

    private static void assertNotFound(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String messageStart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.kind()).isEqualTo(RegistryException.Kind.NOT_FOUND)).hasMessageStartingWith(messageStart);
    }

    static OciReference ref(String repoAndRest) {
        return OciReference.parse(publisher.host() + "/" + repoAndRest);
    }

    static String uniqueRepo() {
        return "fleet/" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(20));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
