package io.fleetwarden.testing;

import io.fleetwarden.oci.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;
import land.oras.ArtifactType;
import land.oras.Config;
import land.oras.ContainerRef;
import land.oras.Index;
import land.oras.Layer;
import land.oras.Manifest;
import land.oras.ManifestDescriptor;
import land.oras.Registry;
import land.oras.Subject;
import land.oras.exception.OrasException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes artifacts the way Flux and cosign do into a test registry, with oras-java 0.7.0 (plain HTTP).
 * Everything is deterministic: the same files give the same digest. oras' executor is a non-daemon pool, so
 * this class gives it a daemon one and {@link #close()} shuts it down.
 */
public final class OciPublisher implements AutoCloseable {

    public static final String FLUX_CONFIG = "application/vnd.cncf.flux.config.v1+json";
    public static final String FLUX_CONTENT = "application/vnd.cncf.flux.content.v1.tar+gzip";
    public static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";
    public static final String HELM_CHART_CONTENT = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
    public static final String OCI_IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
    public static final String SIGSTORE_BUNDLE = "application/vnd.dev.sigstore.bundle.v0.3+json";
    public static final Map<String, String> BUNDLE_ANNOTATIONS = Map.of(
            "dev.sigstore.bundle.content", "dsse-envelope",
            "dev.sigstore.bundle.predicateType", "https://sigstore.dev/cosign/sign/v1",
            "org.opencontainers.image.created", "2026-01-01T00:00:00Z");

    /** One cosign signature in a legacy {@code .sig} manifest: the simple-signing payload and its annotations. */
    public record SigLayer(byte[] payload, Map<String, String> annotations) {
    }

    private final String host;
    private final Registry registry;
    private final ExecutorService pool;

    public OciPublisher(TestRegistry target) {
        this(target.host(), null, null);
    }

    /** Publishes with a login (for registries with htpasswd auth); null username for anonymous. */
    public OciPublisher(String host, String username, String password) {
        this.host = host;
        this.pool = Executors.newFixedThreadPool(2, task -> {
            Thread t = new Thread(task, "oci-publisher");
            t.setDaemon(true);
            return t;
        });
        Registry.Builder builder = username == null ? Registry.builder().insecure(host)
                : Registry.builder().insecure(host, username, password);
        this.registry = builder.withExecutorService(pool).build();
    }

    public String host() {
        return host;
    }

    /** A Flux artifact (config + one tar.gz layer of {@code files}) at {@code tag}; returns the manifest digest. */
    public Digest pushArtifact(String repo, String tag, Map<String, byte[]> files) {
        ContainerRef ref = ref(repo);
        Layer configBlob = registry.pushBlob(ref, "{}".getBytes(StandardCharsets.UTF_8));
        Layer content = registry.pushBlob(ref, tarGz(files)).withMediaType(FLUX_CONTENT);
        Manifest manifest = Manifest.empty().withConfig(Config.fromBlob(FLUX_CONFIG, configBlob))
                .withLayers(List.of(content))
                .withAnnotations(Map.of("org.opencontainers.image.created", "2026-01-01T00:00:00Z",
                        "org.opencontainers.image.source", "https://github.com/example/fleet",
                        "org.opencontainers.image.revision", "main@sha1:0123456789abcdef"));
        return Digest.parse(registry.pushManifest(ref.withTag(tag), manifest).getDescriptor().getDigest());
    }

    /**
     * A Helm chart as {@code helm push} stores it: the chart's metadata as the config, the packaged chart
     * ({@code <name>/Chart.yaml}, {@code <name>/templates/...}) as the one layer, at {@code tag} (a version with
     * build metadata is pushed with {@code _} for {@code +}, as Helm does); returns the manifest digest.
     */
    public Digest pushHelmChart(String repo, String name, String version, Map<String, byte[]> templates) {
        ContainerRef ref = ref(repo);
        String chartYaml = "apiVersion: v2\nname: " + name + "\nversion: " + version + "\ntype: application\n";
        Map<String, byte[]> files = new TreeMap<>();
        files.put(name + "/Chart.yaml", chartYaml.getBytes(StandardCharsets.UTF_8));
        templates.forEach((file, content) -> files.put(name + "/templates/" + file, content));
        Layer configBlob = registry.pushBlob(ref, ("{\"apiVersion\":\"v2\",\"name\":\"" + name + "\",\"version\":\""
                + version + "\",\"type\":\"application\"}").getBytes(StandardCharsets.UTF_8));
        Layer content = registry.pushBlob(ref, tarGz(files)).withMediaType(HELM_CHART_CONTENT);
        Manifest manifest = Manifest.empty().withConfig(Config.fromBlob(HELM_CONFIG, configBlob))
                .withLayers(List.of(content))
                .withAnnotations(Map.of("org.opencontainers.image.title", name,
                        "org.opencontainers.image.version", version));
        return Digest.parse(registry.pushManifest(ref.withTag(version.replace('+', '_')), manifest).getDescriptor()
                .getDigest());
    }

    /** One layer of {@link #pushLayers}: its media type and bytes. */
    public record LayerContent(String mediaType, byte[] content) {
    }

    /** An artifact with a Flux config and the given layers in order, at {@code tag}; returns the manifest digest. */
    public Digest pushLayers(String repo, String tag, List<LayerContent> layers, Map<String, String> annotations) {
        ContainerRef ref = ref(repo);
        Layer configBlob = registry.pushBlob(ref, "{}".getBytes(StandardCharsets.UTF_8));
        List<Layer> pushed = new ArrayList<>();
        for (LayerContent layer : layers) {
            pushed.add(registry.pushBlob(ref, layer.content()).withMediaType(layer.mediaType()));
        }
        Manifest manifest = Manifest.empty().withConfig(Config.fromBlob(FLUX_CONFIG, configBlob)).withLayers(pushed)
                .withAnnotations(annotations);
        return Digest.parse(registry.pushManifest(ref.withTag(tag), manifest).getDescriptor().getDigest());
    }

    /** A blob alone (no manifest refers to it); returns its digest. */
    public Digest pushBlob(String repo, byte[] content) {
        return Digest.parse(registry.pushBlob(ref(repo), content).getDigest());
    }

    /** Points {@code tag} at the image manifest {@code digest} (re-PUTs its exact stored bytes). */
    public void tag(String repo, Digest digest, String tag) {
        ContainerRef ref = ref(repo);
        registry.pushManifest(ref.withTag(tag), registry.getManifest(ref.withDigest(digest.toString())));
    }

    /** The cosign legacy signature manifest at tag {@code sha256-<hex>.sig}: one layer per signature. */
    public Digest pushLegacySignature(String repo, Digest subject, List<SigLayer> signatures) {
        ContainerRef ref = ref(repo);
        Layer configBlob = registry.pushBlob(ref, ("{\"architecture\":\"\",\"os\":\"\",\"config\":{},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}").getBytes(StandardCharsets.UTF_8));
        List<Layer> layers = new ArrayList<>();
        for (SigLayer signature : signatures) {
            layers.add(registry.pushBlob(ref, signature.payload()).withMediaType(SIMPLE_SIGNING)
                    .withAnnotations(signature.annotations()));
        }
        Manifest manifest = Manifest.empty().withConfig(Config.fromBlob(OCI_IMAGE_CONFIG, configBlob)).withLayers(layers);
        return Digest.parse(registry.pushManifest(ref.withTag(subject.asTagPrefix() + ".sig"), manifest)
                .getDescriptor().getDigest());
    }

    /**
     * The cosign v3 signature: a Sigstore bundle as an OCI 1.1 referrer of {@code subject}, pushed by digest, plus
     * the referrers tag schema index at {@code sha256-<hex>} (Distribution 2.8 has no referrers API).
     */
    public Digest pushBundleReferrer(String repo, Digest subject, byte[] bundleJson) {
        return pushReferrer(repo, subject, SIGSTORE_BUNDLE, bundleJson, BUNDLE_ANNOTATIONS);
    }

    /** Any referrer of {@code subject} with one layer of {@code artifactType}, indexed under the tag schema. */
    public Digest pushReferrer(String repo, Digest subject, String artifactType, byte[] content,
            Map<String, String> annotations) {
        ContainerRef ref = ref(repo);
        registry.pushBlob(ref, "{}".getBytes(StandardCharsets.UTF_8)); // the empty config Manifest.empty() refers to
        Layer layer = registry.pushBlob(ref, content).withMediaType(artifactType);
        land.oras.Descriptor target = registry.getDescriptor(ref.withDigest(subject.toString()));
        Manifest manifest = Manifest.empty().withArtifactType(ArtifactType.from(artifactType)).withLayers(List.of(layer))
                .withSubject(Subject.of(target.getMediaType(), subject.toString(), target.getSize()))
                .withAnnotations(annotations);
        Digest digest = Digest.sha256Of(manifest.toJson().getBytes(StandardCharsets.UTF_8));
        try {
            registry.pushManifest(ref.withDigest(digest.toString()), manifest);
        } catch (OrasException e) {
            // oras 0.7.0 throws after a successful PUT when the registry sends no OCI-Subject header (2.8.2 never does).
            if (e.getMessage() == null || !e.getMessage().contains("Legacy flow not implemented")) {
                throw e;
            }
        }
        // The index entry describes the stored bytes, never a re-serialisation.
        land.oras.Descriptor stored = registry.getDescriptor(ref.withDigest(digest.toString()));
        ManifestDescriptor entry = ManifestDescriptor.of(stored.getMediaType(), digest.toString(), stored.getSize())
                .withArtifactType(artifactType).withAnnotations(annotations);
        appendToReferrersIndex(ref, subject, entry);
        return digest;
    }

    /** Deletes a manifest by digest (the registry has deletes enabled): an index entry pointing at it then dangles. */
    public void deleteManifest(String repo, Digest digest) {
        registry.deleteManifest(ref(repo).withDigest(digest.toString()));
    }

    /** Deletes a blob by digest: a manifest whose layer it was can then be read, but not its content. */
    public void deleteBlob(String repo, Digest digest) {
        registry.deleteBlob(ref(repo).withDigest(digest.toString()));
    }

    private void appendToReferrersIndex(ContainerRef ref, Digest subject, ManifestDescriptor entry) {
        ContainerRef indexTag = ref.withTag(subject.asTagPrefix());
        Index index;
        try {
            index = registry.getIndex(indexTag);
        } catch (OrasException e) {
            if (e.getStatusCode() == null || e.getStatusCode() != 404) {
                throw e;
            }
            index = Index.fromManifests(List.of());
        }
        registry.pushIndex(indexTag, index.withNewManifests(entry));
    }

    private ContainerRef ref(String repo) {
        return ContainerRef.parse(host + "/" + repo);
    }

    /** A reproducible tar.gz: sorted names, mtime 0, uid/gid 0 without names, mode 0644 (GZIPOutputStream writes mtime 0). */
    public static byte[] tarGz(Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(out))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> file : new TreeMap<>(files).entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(file.getValue().length);
                entry.setModTime(0L);
                entry.setMode(0100644);
                entry.setUserId(0);
                entry.setGroupId(0);
                entry.setUserName(""); // the constructor takes user.name from the JVM: not reproducible
                entry.setGroupName("");
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
