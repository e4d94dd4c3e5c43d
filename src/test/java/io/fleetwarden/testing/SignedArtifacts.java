package io.fleetwarden.testing;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.testing.sigstore.LegacySigned;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.testing.sigstore.SigningRequest;
import io.fleetwarden.oci.HttpRegistryClient;
import io.fleetwarden.oci.RegistryClientConfig;
import io.fleetwarden.verify.ArtifactVerifier;
import io.fleetwarden.verify.cosign.CosignSignatureVerifier;
import io.fleetwarden.verify.cosign.TrustedRoots;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Publishes Flux-style artifacts to a real registry and signs them with the local Sigstore, in either
 * cosign format: what tests, the demo and the benchmarks need to build a fleet of signed (and badly
 * signed) artifacts in a few lines.
 */
public final class SignedArtifacts implements AutoCloseable {

    private final TestRegistry registry;
    private final LocalSigstore sigstore;
    private final OciPublisher publisher;

    public SignedArtifacts(TestRegistry registry, LocalSigstore sigstore) {
        this.registry = registry;
        this.sigstore = sigstore;
        this.publisher = new OciPublisher(registry);
    }

    public static SignedArtifacts onSharedRegistry() {
        return new SignedArtifacts(TestRegistry.shared(), LocalSigstore.create());
    }

    public LocalSigstore sigstore() {
        return sigstore;
    }

    /** Signatures verified against this local Sigstore, registered as the trusted root {@code local}. */
    public CosignSignatureVerifier signatures() {
        return new CosignSignatureVerifier(TrustedRoots.empty().add("local", sigstore.trustedRootJson()), Clock.systemUTC());
    }

    /** The production verifier, reading this registry over loopback and trusting the local Sigstore. */
    public ArtifactVerifier verifier() {
        return new ArtifactVerifier(new HttpRegistryClient(RegistryClientConfig.defaults()), signatures());
    }

    public OciPublisher publisher() {
        return publisher;
    }

    public String host() {
        return registry.host();
    }

    /** The registry artifacts are published to (plain HTTP on loopback). */
    public TestRegistry registry() {
        return registry;
    }

    /** A repository path no other test uses: {@code <prefix>-<random>/<component>}. */
    public static String uniqueRepo(String prefix, String component) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "/" + component;
    }

    /** Pushes an artifact with unique content under {@code tag}; returns its manifest digest. */
    public Digest publish(String repo, String tag) {
        byte[] manifest = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + repo.replace('/', '-') + "}\ndata: {nonce: "
                + UUID.randomUUID() + "}\n").getBytes(StandardCharsets.UTF_8);
        return publisher.pushArtifact(repo, tag, Map.of("configmap.yaml", manifest));
    }

    /**
     * Pushes a Helm chart {@code name} at {@code version} (tag: {@code +} as {@code _}) under {@code chartsPath/name},
     * with a template unique to this call; returns its manifest digest.
     */
    public Digest publishChart(String chartsPath, String name, String version) {
        byte[] configMap = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: {{ .Release.Name }}}\ndata: {nonce: "
                + UUID.randomUUID() + "}\n").getBytes(StandardCharsets.UTF_8);
        return publisher.pushHelmChart(chartsPath + "/" + name, name, version, Map.of("configmap.yaml", configMap));
    }

    public OciReference ref(String repo, String tag) {
        return OciReference.parse("oci://" + host() + "/" + repo + ":" + tag);
    }

    /** Signs {@code digest} the legacy way ({@code sha256-<hex>.sig}). */
    public LegacySigned signLegacy(String repo, Digest digest, SigningRequest request) {
        LegacySigned signed = sigstore.signLegacy(digest.toString(), host() + "/" + repo, request);
        publisher.pushLegacySignature(repo, digest,
                List.of(new OciPublisher.SigLayer(signed.payload(), signed.annotations())));
        return signed;
    }

    /** Signs {@code digest} the cosign v3 way: a DSSE bundle attached as a referrer. */
    public byte[] signBundle(String repo, Digest digest, SigningRequest request) {
        byte[] bundle = sigstore.signBundleDsse(digest.toString(), request);
        publisher.pushBundleReferrer(repo, digest, bundle);
        return bundle;
    }

    @Override
    public void close() {
        publisher.close();
    }
}
