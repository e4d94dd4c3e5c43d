package io.fleetwarden.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.reconcile.runtime.ObjectKey;
import io.fleetwarden.reconcile.runtime.Reconciler;
import io.fleetwarden.status.Outcome;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.EngineOnCluster;
import io.fleetwarden.testing.cluster.FleetOnCluster;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Kustomization whose OCIRepository has not had its first turn in this process leaves its status alone, and is
 * queued again as soon as the source's turn ends, with or without an artifact: on the real control plane.
 */
class EngineSourceTurnOnClusterTest {

    private static final Duration WAIT = FleetOnCluster.WAIT;

    static ControlPlane plane;
    static SignedArtifacts artifacts;
    static KubernetesClient admin;
    static FleetOnCluster fleet;

    @BeforeAll
    static void start() {
        plane = ControlPlane.shared();
        artifacts = SignedArtifacts.onSharedRegistry();
        admin = plane.adminClient();
        fleet = new FleetOnCluster(admin, artifacts);
    }

    @AfterAll
    static void stop() {
        if (artifacts != null) {
            artifacts.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    /**
     * A new leader (or a restarted replica) holds no artifact until each source is reconciled again. Its
     * Kustomizations must not report that meanwhile: every Ready one would flip to False for a moment, alerting on
     * a whole fleet at each restart. Nothing is written to the Kustomization at all: it was and stays Ready.
     */
    @Test
    void aRestartedEngineWritesNothingToAReadyKustomizationWhileItsSourceIsReconciledAgain() {
        String shard = "turn-" + UUID.randomUUID().toString().substring(0, 6);
        String ns = fleet.tenant("restart");
        String repo = fleet.repository("restart", ns);
        Digest digest = fleet.publish(repo, "latest", Map.of("kustomization.yaml", "resources: [cm.yaml]\n",
                "cm.yaml", FleetOnCluster.configMap("cm", "one")), SigningRequest.github());
        Map<String, String> label = Map.of(Engine.SHARD_LABEL, shard);
        fleet.create(fleet.source(ns, "source", repo, "latest", label));
        fleet.create(fleet.kustomization(ns, "app", "source", "./", false, ns, label, ""));
        try (EngineOnCluster first = engine(shard, Duration.ofSeconds(1), new CopyOnWriteArrayList<>())) {
            fleet.awaitApplied(ns, "app", "latest@" + digest);
        }
        String before = fleet.get(ns, FluxKinds.KUSTOMIZATION, "app").at("/metadata/resourceVersion").asText();

        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        try (EngineOnCluster restarted = engine(shard, Duration.ofSeconds(1), outcomes)) {
            // The restarted engine's full pass over the Kustomization, with the source's artifact held again.
            await().atMost(WAIT).until(() -> outcomes.stream().anyMatch(Outcome.Done.class::isInstance));
            assertThat(restarted.held().get(new ObjectKey(ns, "source"))).isPresent();
        }
        JsonNode after = fleet.get(ns, FluxKinds.KUSTOMIZATION, "app");
        assertThat(after.at("/metadata/resourceVersion").asText()).as("nothing written by the restarted engine")
                .isEqualTo(before);
        assertThat(FleetOnCluster.condition(after, "Ready").path("status").asText()).isEqualTo("True");
    }

    /**
     * The other side: a source whose first turn ends without an artifact (its artifact is unsigned) queues its
     * Kustomization at once, which then says why it waits, long before its dependency requeue (10 minutes here).
     */
    @Test
    void aSourceWhoseFirstTurnFailsHasItsKustomizationSayItHasNoArtifactAtOnce() {
        String shard = "turn-" + UUID.randomUUID().toString().substring(0, 6);
        String ns = fleet.tenant("unsigned");
        String repo = fleet.repository("unsigned", ns);
        artifacts.publisher().pushArtifact(repo, "latest", Map.of("kustomization.yaml",
                "resources: []\n".getBytes(StandardCharsets.UTF_8)));
        Map<String, String> label = Map.of(Engine.SHARD_LABEL, shard);
        fleet.create(fleet.source(ns, "source", repo, "latest", label));
        fleet.create(fleet.kustomization(ns, "app", "source", "./", false, ns, label, ""));
        try (EngineOnCluster engine = engine(shard, Duration.ofMinutes(10), new CopyOnWriteArrayList<>())) {
            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode ready = FleetOnCluster.condition(fleet.get(ns, FluxKinds.KUSTOMIZATION, "app"), "Ready");
                assertThat(ready.path("reason").asText()).isEqualTo("ArtifactFailed");
                assertThat(ready.path("message").asText()).isEqualTo("OCIRepository '" + ns
                        + "/source' has no verified artifact yet");
            });
            assertThat(FleetOnCluster.condition(fleet.get(ns, FluxKinds.OCI_REPOSITORY, "source"), "Ready")
                    .path("reason").asText()).isEqualTo("VerificationError");
        }
    }

    /** An engine of its own shard, recording what each Kustomization reconcile decided. */
    private static EngineOnCluster engine(String shard, Duration dependencyRequeue, List<Outcome> outcomes) {
        EngineOnCluster.Options tests = EngineOnCluster.Options.TESTS;
        return new EngineOnCluster(plane.adminClient(), artifacts, fleet.policies(), dependencyRequeue,
                new EngineOnCluster.Options(tests.sourceWorkers(), tests.kustomizationWorkers(), tests.backoff(),
                        tests.storeBytes(), false, reconciler -> recording(reconciler, outcomes), shard));
    }

    private static Reconciler recording(Reconciler reconciler, List<Outcome> outcomes) {
        return key -> {
            Outcome outcome = reconciler.reconcile(key);
            outcomes.add(outcome);
            return outcome;
        };
    }
}
