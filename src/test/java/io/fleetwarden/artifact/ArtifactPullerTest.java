package io.fleetwarden.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.artifact.LayerSelector.Operation;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Descriptor;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.HttpRegistryClient;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.testing.OciPublisher;
import io.fleetwarden.testing.OciPublisher.LayerContent;
import io.fleetwarden.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link ArtifactPuller} against a real registry: pull by digest, layer selection as source-controller does it. */
class ArtifactPullerTest {

    private static final String README = "application/vnd.example.readme.v1+markdown";
    private static final String HELM_CHART = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
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
    void theDefaultSelectorExtractsTheFirstLayerOfAFluxArtifact() throws Exception {
        String repo = uniqueRepo();
        Map<String, byte[]> files = Map.of("clusters/staging/kustomization.yaml", bytes("resources: []\n"),
                "apps/base/app.yaml", bytes("kind: ConfigMap\n"));
        Digest manifest = publisher.pushArtifact(repo, "latest", files);

        PulledArtifact pulled = pull(repo, manifest, LayerSelector.DEFAULT, ArchiveLimits.defaults());

        assertThat(pulled.manifestDigest()).isEqualTo(manifest);
        assertThat(pulled.layerDigest()).isEqualTo(Digest.sha256Of(OciPublisher.tarGz(files)));
        assertThat(pulled.tree().paths()).containsExactly("apps/base/app.yaml", "clusters/staging/kustomization.yaml");
        assertThat(pulled.tree().read("apps/base/app.yaml")).hasValue(bytes("kind: ConfigMap\n"));
        assertThat(pulled.originRevision()).isEqualTo("main@sha1:0123456789abcdef");
        assertThat(pulled.originSource()).isEqualTo("https://github.com/example/fleet");
    }

    @Test
    void aMediaTypeSelectsTheFirstLayerOfThatType() throws Exception {
        String repo = uniqueRepo();
        byte[] first = OciPublisher.tarGz(Map.of("first.yaml", bytes("a")));
        byte[] second = OciPublisher.tarGz(Map.of("second.yaml", bytes("b")));
        Digest manifest = publisher.pushLayers(repo, "v1", List.of(new LayerContent(README, bytes("# read me")),
                new LayerContent(OciPublisher.FLUX_CONTENT, first), new LayerContent(OciPublisher.FLUX_CONTENT, second)),
                Map.of());

        PulledArtifact pulled = pull(repo, manifest, new LayerSelector(OciPublisher.FLUX_CONTENT, Operation.EXTRACT),
                ArchiveLimits.defaults());

        assertThat(pulled.layerDigest()).isEqualTo(Digest.sha256Of(first));
        assertThat(pulled.tree().paths()).containsExactly("first.yaml");
        assertThat(pulled.originRevision()).isNull();
        assertThat(pulled.originSource()).isNull();
    }

    @Test
    void withoutAMediaTypeTheFirstLayerIsTakenWhateverItIs() {
        String repo = uniqueRepo();
        Digest manifest = publisher.pushLayers(repo, "v1", List.of(new LayerContent(README, bytes("# read me")),
                new LayerContent(OciPublisher.FLUX_CONTENT, OciPublisher.tarGz(Map.of("a.yaml", bytes("a"))))), Map.of());

        assertThatThrownBy(() -> pull(repo, manifest, LayerSelector.DEFAULT, ArchiveLimits.defaults()))
                .isInstanceOfSatisfying(ArchiveRefused.class, e -> assertThat(e.reason()).isEqualTo(ArchiveRefused.Reason.CORRUPT))
                .hasMessage("the layer is not a valid tar+gzip archive: Input is not in the .gz format.");
    }

    @Test
    void copyKeepsTheSelectedLayerUnchangedAsTheOneFile() throws Exception {
        String repo = uniqueRepo();
        byte[] chart = OciPublisher.tarGz(Map.of("podinfo/Chart.yaml", bytes("name: podinfo\n")));
        Digest manifest = publisher.pushLayers(repo, "6.7.0", List.of(new LayerContent(README, bytes("# chart")),
                new LayerContent(HELM_CHART, chart)), Map.of());

        PulledArtifact pulled = pull(repo, manifest, new LayerSelector(HELM_CHART, Operation.COPY), ArchiveLimits.defaults());

        String path = Digest.sha256Of(chart).hex() + ".tgz";
        assertThat(pulled.tree().paths()).containsExactly(path);
        assertThat(pulled.tree().read(path)).hasValue(chart);
        assertThat(path).isEqualTo(ArtifactPuller.copiedLayerPath(Descriptor.of(HELM_CHART, Digest.sha256Of(chart), 1)));
    }

    @Test
    void noLayerOfTheSelectedMediaTypeFailsAsFluxDoes() {
        String repo = uniqueRepo();
        Digest manifest = publisher.pushArtifact(repo, "v1", Map.of("a.yaml", bytes("a")));

        assertThatThrownBy(() -> pull(repo, manifest, new LayerSelector(HELM_CHART, Operation.COPY), ArchiveLimits.defaults()))
                .isInstanceOfSatisfying(ArtifactPullException.class,
                        e -> assertThat(e.conditionReason()).isEqualTo("OCIArtifactLayerOperationFailed"))
                .hasMessage("failed to find layer with media type '" + HELM_CHART + "' in artifact");
    }

    @Test
    void aTagOnlyReferenceIsRefused() {
        OciReference tagged = OciReference.parse(publisher.host() + "/" + uniqueRepo() + ":latest");

        assertThatThrownBy(() -> ArtifactPuller.pull(client, tagged, LayerSelector.DEFAULT, ArchiveLimits.defaults(),
                deadline())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refusing to pull " + tagged + ": the reference has no digest, and only a verified digest may be pulled");
    }

    @Test
    void anIndexIsNotAnArtifact() throws Exception {
        String repo = uniqueRepo();
        Digest subject = publisher.pushArtifact(repo, "v1", Map.of("a.yaml", bytes("a")));
        publisher.pushReferrer(repo, subject, "application/vnd.example.sbom", bytes("{}"), Map.of());
        OciReference indexTag = OciReference.parse(publisher.host() + "/" + repo + ":" + subject.asTagPrefix());
        Digest index = client.resolve(indexTag, deadline()).digest();

        assertThatThrownBy(() -> pull(repo, index, LayerSelector.DEFAULT, ArchiveLimits.defaults()))
                .isInstanceOfSatisfying(ArtifactPullException.class,
                        e -> assertThat(e.conditionReason()).isEqualTo("OCIArtifactPullFailed"))
                .hasMessage("failed to pull artifact " + ref(repo, index)
                        + ": it is an image index (application/vnd.oci.image.index.v1+json), not an image manifest");
    }

    @Test
    void aLayerAnnouncedOverTheLimitIsRefusedBeforeItIsFetched() {
        String repo = uniqueRepo();
        byte[] layer = OciPublisher.tarGz(Map.of("a.yaml", bytes("a")));
        Digest manifest = publisher.pushArtifact(repo, "v1", Map.of("a.yaml", bytes("a")));
        publisher.deleteBlob(repo, Digest.sha256Of(layer)); // a fetch would fail differently: nothing is fetched
        ArchiveLimits small = new ArchiveLimits(layer.length - 1, 1 << 20, 10, 1 << 20, 200);

        assertThatThrownBy(() -> pull(repo, manifest, LayerSelector.DEFAULT, small))
                .isInstanceOfSatisfying(ArchiveRefused.class,
                        e -> assertThat(e.reason()).isEqualTo(ArchiveRefused.Reason.COMPRESSED_TOO_LARGE))
                .hasMessage("layer " + Digest.sha256Of(layer) + " is " + layer.length + " bytes, over the limit of "
                        + (layer.length - 1) + " bytes");
    }

    @Test
    void aMissingLayerBlobIsARegistryFailure() {
        String repo = uniqueRepo();
        Map<String, byte[]> files = Map.of("a.yaml", bytes("a"));
        Digest manifest = publisher.pushArtifact(repo, "v1", files);
        publisher.deleteBlob(repo, Digest.sha256Of(OciPublisher.tarGz(files)));

        assertThatThrownBy(() -> pull(repo, manifest, LayerSelector.DEFAULT, ArchiveLimits.defaults()))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.isNotFound()).isTrue());
    }

    private static PulledArtifact pull(String repo, Digest digest, LayerSelector selector, ArchiveLimits limits)
            throws Exception {
        return ArtifactPuller.pull(client, ref(repo, digest), selector, limits, deadline());
    }

    private static OciReference ref(String repo, Digest digest) {
        return OciReference.parse(publisher.host() + "/" + repo + "@" + digest);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String uniqueRepo() {
        return "artifacts/" + UUID.randomUUID();
    }

    private static Deadline deadline() {
        return Deadline.after(Duration.ofSeconds(20));
    }
}
