package io.fleetwarden.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fleetwarden.api.v1alpha1.ArtifactPolicy;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.testing.AdmissionReviews;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.TlsFixture;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Everything the service under load talks to, all outside it and on loopback: a real registry with signed
 * artifacts, the local Sigstore's trusted root on disk, the serving certificate files, and a Kubernetes
 * API (the fabric8 mock server in CRUD mode, running in this process) holding the ArtifactPolicy CRD and one
 * policy covering {@code oci://<registry>/bench-*}. Writes the AdmissionReview documents wrk sends.
 */
final class WebhookFixture implements AutoCloseable {

    static final String WARM_REPO = "bench-warm/app";
    static final String COLD_REPO = "bench-cold/app-";
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path work;
    final TestRegistry registry;
    final TlsFixture tls;
    final Path trustedRoot;
    final KubernetesMockServer api;
    private final LocalSigstore sigstore;
    private final SignedArtifacts artifacts;
    private final List<String> coldRepos = new ArrayList<>();

    WebhookFixture(Path work) throws IOException {
        this.work = work;
        this.registry = TestRegistry.startQuiet();
        this.sigstore = LocalSigstore.create();
        this.artifacts = new SignedArtifacts(registry, sigstore);
        this.tls = TlsFixture.create();
        this.trustedRoot = Files.write(work.resolve("trusted_root.json"), sigstore.trustedRootJson());
        this.api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), true);
        api.init();
        try (KubernetesClient kube = api.createClient()) {
            // The namespace the reviewed objects live in, as in a cluster (the service's informer lists it).
            kube.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("flux-system").endMetadata()
                    .build()).create();
            applyPolicy(kube);
        }
    }

    /** The tag every warm review names. */
    OciReference warmReference() {
        return OciReference.parse(registry.host() + "/" + WARM_REPO + ":latest");
    }

    String apiServerUrl() {
        return api.url("/");
    }

    /** CRDs as the build generated them, then the policy: a release of acme/fleet's push workflow from main. */
    private void applyPolicy(KubernetesClient kube) throws IOException {
        for (String crd : List.of("artifactpolicies.fleetwarden.io-v1.yml", "tenancypolicies.fleetwarden.io-v1.yml")) {
            try (InputStream in = Files.newInputStream(Path.of("target/kubernetes", crd))) {
                CustomResourceDefinition definition = kube.apiextensions().v1().customResourceDefinitions().load(in).item();
                kube.apiextensions().v1().customResourceDefinitions().resource(definition).create();
            }
        }
        ArtifactPolicy policy = JSON.readValue("""
                {"apiVersion":"fleetwarden.io/v1alpha1","kind":"ArtifactPolicy","metadata":{"name":"bench"},
                 "spec":{"sources":["oci://%s/bench-*"],"authorities":[{"name":"push-artifact","trustedRoot":"local",
                   "keyless":{"issuer":"https://token.actions.githubusercontent.com","github":{"repository":"acme/fleet",
                     "workflow":".github/workflows/push-artifact.yaml","refs":["refs/heads/main"]}}}]}}
                """.formatted(registry.host()), ArtifactPolicy.class);
        kube.resource(policy).create();
    }

    /** The artifact every warm review names: one tag, one signed digest. */
    void publishWarm() {
        Digest d = artifacts.publish(WARM_REPO, "latest");
        synchronized (sigstore) {
            artifacts.signBundle(WARM_REPO, d, SigningRequest.github());
        }
    }

    /**
     * {@code count} distinct signed artifacts, each {@code latest} of its own repository (as D2's push workflow
     * signs it, from main): every cold review names a digest not yet seen.
     * Pushing dominates (about 50 ms an artifact, the registry writes every blob to disk), so four publishers
     * push in parallel; the local Sigstore signs one at a time (its log is one Merkle tree).
     */
    void publishCold(int count) throws InterruptedException, ExecutionException {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int worker = 0; worker < 4; worker++) {
                int first = worker;
                done.add(pool.submit(() -> {
                    try (SignedArtifacts publisher = new SignedArtifacts(registry, sigstore)) {
                        for (int i = first; i < count; i += 4) {
                            Digest d = publisher.publish(COLD_REPO + i, "latest");
                            byte[] bundle;
                            synchronized (sigstore) {
                                bundle = sigstore.signBundleDsse(d.toString(), SigningRequest.github());
                            }
                            publisher.publisher().pushBundleReferrer(COLD_REPO + i, d, bundle);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < count; i++) {
            coldRepos.add(COLD_REPO + i);
        }
    }

    /** One line: the same signed OCIRepository created again and again (uid marks the phase in the decision log). */
    Path warmDocuments(String uid) throws IOException {
        return write(uid, List.of(create(WARM_REPO, "latest", uid)));
    }

    /** One line: deleting the OCIRepository, which the webhook answers without work ("Bypassed"). */
    Path trivialDocuments(String uid) throws IOException {
        return write(uid, List.of(delete(uid)));
    }

    /**
     * One line per cold artifact, each to be sent once: the first {@code warmup} (uid {@code warmup-cold}) and
     * the rest (uid {@code uid}). Beside them {@code overflow.json}, what reviews.lua sends once a share is used.
     */
    List<Path> coldDocuments(String uid, int warmup) throws IOException {
        Files.write(Files.createDirectories(work.resolve("documents")).resolve("overflow.json"), List.of(delete("overflow")));
        return List.of(write("warmup-cold", coldRepos.subList(0, warmup).stream()
                        .map(repo -> create(repo, "latest", "warmup-cold")).toList()),
                write(uid, coldRepos.subList(warmup, coldRepos.size()).stream().map(repo -> create(repo, "latest", uid)).toList()));
    }

    private Path write(String name, List<String> lines) throws IOException {
        Path dir = Files.createDirectories(work.resolve("documents"));
        return Files.write(dir.resolve(name + ".jsonl"), lines);
    }

    private String create(String repo, String tag, String uid) {
        return AdmissionReviews.create("source.toolkit.fluxcd.io/v1", "OCIRepository").resource("ocirepositories")
                .namespace("flux-system").name("apps").object(ociRepository(repo, tag)).uid(uid)
                .user("system:serviceaccount:flux-system:flux-operator").json();
    }

    private String delete(String uid) {
        return AdmissionReviews.delete("source.toolkit.fluxcd.io/v1", "OCIRepository").resource("ocirepositories")
                .namespace("flux-system").name("apps").oldObject(ociRepository(WARM_REPO, "latest")).uid(uid).json();
    }

    private String ociRepository(String repo, String tag) {
        return """
                {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"OCIRepository",
                 "metadata":{"name":"apps","namespace":"flux-system"},
                 "spec":{"interval":"5m","url":"oci://%s/%s","ref":{"tag":"%s"},
                   "verify":{"provider":"cosign","matchOIDCIdentity":[{"issuer":"^https://token\\\\.actions\\\\.githubusercontent\\\\.com$",
                     "subject":"^https://github\\\\.com/acme/fleet/\\\\.github/workflows/push-artifact\\\\.yaml@refs/heads/main$"}]}}}
                """.formatted(registry.host(), repo, tag);
    }

    @Override
    public void close() {
        api.destroy();
        artifacts.close();
        registry.close();
        tls.close();
    }
}
