package io.fleetwarden.reconcile.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.artifact.ArchiveLimits;
import io.fleetwarden.artifact.ArtifactStore;
import io.fleetwarden.artifact.ArtifactTree;
import io.fleetwarden.gate.DecisionCache;
import io.fleetwarden.gate.OciSourceGate;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.HttpRegistryClient;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.policy.PolicyDocuments;
import io.fleetwarden.reconcile.FluxKinds;
import io.fleetwarden.reconcile.runtime.ObjectKey;
import io.fleetwarden.reconcile.status.EventRecorder;
import io.fleetwarden.reconcile.status.StatusWriter;
import io.fleetwarden.status.Outcome;
import io.fleetwarden.testing.MockApiServer;
import io.fleetwarden.testing.MutableClock;
import io.fleetwarden.testing.OciPublisher;
import io.fleetwarden.testing.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OciRepositoryReconciler} holds the tree source-controller would store: an extracted layer through the
 * source-ignore filter ({@code spec.ignore}, {@code .sourceignore}, the defaults), a copied layer as it is. Against a
 * real registry and fabric8's mock API server (CRUD mode), with a policy that allows the repository unsigned: what is
 * asserted is the tree the reconciler holds and the fields it writes, to which the real control plane adds nothing
 * (the status path against the real one is EngineOnClusterTest's).
 */
class OciRepositoryReconcilerIgnoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = "flux-system";

    /** What {@code flux push artifact} of a whole repository root carries. */
    private static final Map<String, byte[]> REPOSITORY_ROOT = files(Map.of(
            "clusters/prod/kustomization.yaml", "resources: [app.yaml]\n",
            "clusters/prod/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n",
            "clusters/prod/.sops.yaml", "creation_rules: []\n",
            ".github/workflows/ci.yaml", "on: push\n",
            "cloudbuild.yaml", "steps: []\n",
            "docs/logo.png", "PNG"));

    private static OciPublisher publisher;
    private static HttpRegistryClient registry;
    private static MockApiServer api;
    private static KubernetesClient client;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final List<ObjectKey> announced = new ArrayList<>();
    private ArtifactStore store;
    private VerifiedArtifacts held;
    private OciRepositoryReconciler reconciler;
    private String repo;
    private Digest digest;

    @BeforeAll
    static void start() {
        publisher = new OciPublisher(TestRegistry.shared());
        registry = HttpRegistryClient.withDefaults();
        api = MockApiServer.start();
        client = api.client();
    }

    @AfterAll
    static void stop() {
        client.close();
        api.close();
        registry.close();
        publisher.close();
    }

    @BeforeEach
    void reconciler() {
        repo = "ignore/" + UUID.randomUUID();
        digest = publisher.pushArtifact(repo, "v1", REPOSITORY_ROOT);
        PolicySnapshot allowed = PolicySnapshot.compile(1, PolicyDocuments.parse("test", """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: fleet}
                spec:
                  sources: ["oci://%s/ignore/*"]
                  mode: Allow
                """.formatted(publisher.host())), Uncovered.DENY);
        OciSourceGate gate = new OciSourceGate(() -> allowed, (s, d) -> registry, null, DecisionCache.defaults());
        store = new ArtifactStore(64L * 1024 * 1024);
        held = new VerifiedArtifacts();
        reconciler = new OciRepositoryReconciler(key -> client.genericKubernetesResources(FluxKinds.OCI_REPOSITORY)
                .inNamespace(key.namespace()).withName(key.name()).get(), gate, (s, d) -> registry, store,
                ArchiveLimits.defaults(), held, new StatusWriter(client, FluxKinds.OCI_REPOSITORY),
                new EventRecorder(client, clock), announced::add, clock);
    }

    @Test
    void anExtractedLayerLosesWhatTheDefaultExclusionsDrop() {
        ObjectKey key = create("defaults", "");

        assertThat(reconciler.reconcile(key)).isInstanceOf(Outcome.Done.class);

        assertThat(tree(key).paths()).containsExactly("clusters/prod/app.yaml", "clusters/prod/kustomization.yaml");
        JsonNode status = status(key);
        assertThat(status.at("/artifact/revision").asText()).isEqualTo("v1@" + digest);
        assertThat(status.at("/artifact/size").asLong()).isEqualTo(tree(key).totalBytes())
                .isLessThan(totalBytes(REPOSITORY_ROOT));
        assertThat(status.path("observedIgnore").asText(null)).isNull();
    }

    @Test
    void aChangedSpecIgnoreGivesTheNewTreeOfTheSameRevision() {
        ObjectKey key = create("moved", "");
        reconciler.reconcile(key);
        String firstUpdate = status(key).at("/artifact/lastUpdateTime").asText();
        clock.advance(Duration.ofMinutes(1));

        setIgnore(key, "# the CI config may stay, the docs may not\n/docs/\n");
        assertThat(reconciler.reconcile(key)).isInstanceOf(Outcome.Done.class);

        // One pattern: the default exclusions are gone, .git-like files aside.
        assertThat(tree(key).paths()).containsExactly(".github/workflows/ci.yaml", "cloudbuild.yaml",
                "clusters/prod/.sops.yaml", "clusters/prod/app.yaml", "clusters/prod/kustomization.yaml");
        JsonNode status = status(key);
        assertThat(status.at("/artifact/revision").asText()).isEqualTo("v1@" + digest);
        assertThat(status.path("observedIgnore").asText()).isEqualTo("# the CI config may stay, the docs may not\n"
                + "/docs/\n");
        assertThat(status.at("/artifact/size").asLong()).isEqualTo(tree(key).totalBytes());
        assertThat(status.at("/artifact/lastUpdateTime").asText()).isNotEqualTo(firstUpdate);
        // Its Kustomizations are told, as of a new revision.
        assertThat(announced).containsExactly(key, key);

        // Same rules again: nothing new.
        reconciler.reconcile(key);
        assertThat(announced).hasSize(2);

        setIgnore(key, null);
        reconciler.reconcile(key);
        assertThat(tree(key).paths()).containsExactly("clusters/prod/app.yaml", "clusters/prod/kustomization.yaml");
        // Removed by the merge patch's null (the embedded API server keeps the null itself).
        assertThat(status(key).path("observedIgnore").asText(null)).isNull();
        assertThat(announced).hasSize(3);
    }

    @Test
    void sourcesOfOneDigestWithDifferentIgnoreRulesHoldTheirOwnTrees() {
        ObjectKey plain = create("plain", "");
        ObjectKey narrowed = create("narrowed", ",\"ignore\":\"*.yaml\\n!kustomization.yaml\\n\"");

        reconciler.reconcile(plain);
        reconciler.reconcile(narrowed);

        assertThat(tree(plain).paths()).containsExactly("clusters/prod/app.yaml", "clusters/prod/kustomization.yaml");
        assertThat(tree(narrowed).paths()).containsExactly("clusters/prod/kustomization.yaml", "docs/logo.png");
        assertThat(store.stats().entries()).isEqualTo(2);
    }

    @Test
    void aCopiedLayerIsNeverFiltered() {
        ObjectKey key = create("copied", ",\"layerSelector\":{\"operation\":\"copy\"},\"ignore\":\"*\"");

        assertThat(reconciler.reconcile(key)).isInstanceOf(Outcome.Done.class);

        assertThat(tree(key).paths()).containsExactly(held.get(key).orElseThrow().artifact().layerDigest().hex()
                + ".tgz");
    }

    @Test
    void aSpecIgnoreOverTheBoundsStallsTheSourceWithoutPulling() {
        ObjectKey key = create("toolong", ",\"ignore\":\"" + "x\\n".repeat(1001) + "\"");

        Outcome outcome = reconciler.reconcile(key);

        assertThat(outcome).isEqualTo(new Outcome.Stalled("SourceIgnoreError", "spec.ignore: more than 1000 patterns"));
        assertThat(held.get(key)).isEmpty();
        assertThat(store.stats().misses()).isZero();
    }

    private ObjectKey create(String name, String extraSpec) {
        try {
            GenericKubernetesResource object = JSON.readValue("""
                    {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"OCIRepository",
                     "metadata":{"name":"%s","namespace":"%s","generation":1},
                     "spec":{"url":"oci://%s/%s","ref":{"tag":"v1"},"interval":"5m"%s}}
                    """.formatted(name, NS, publisher.host(), repo, extraSpec), GenericKubernetesResource.class);
            client.genericKubernetesResources(FluxKinds.OCI_REPOSITORY).inNamespace(NS).resource(object).create();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new ObjectKey(NS, name);
    }

    private void setIgnore(ObjectKey key, String ignore) {
        client.genericKubernetesResources(FluxKinds.OCI_REPOSITORY).inNamespace(NS).withName(key.name())
                .edit(o -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> spec = (Map<String, Object>) o.getAdditionalProperties().get("spec");
                    if (ignore == null) {
                        spec.remove("ignore");
                    } else {
                        spec.put("ignore", ignore);
                    }
                    return o;
                });
    }

    private ArtifactTree tree(ObjectKey key) {
        return held.get(key).orElseThrow().artifact().tree();
    }

    private static JsonNode status(ObjectKey key) {
        GenericKubernetesResource o = client.genericKubernetesResources(FluxKinds.OCI_REPOSITORY).inNamespace(NS)
                .withName(key.name()).get();
        return JSON.valueToTree(o.getAdditionalProperties().get("status"));
    }

    private static long totalBytes(Map<String, byte[]> files) {
        return files.values().stream().mapToLong(b -> b.length).sum();
    }

    private static Map<String, byte[]> files(Map<String, String> text) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        text.forEach((p, c) -> out.put(p, c.getBytes(StandardCharsets.UTF_8)));
        return out;
    }
}
