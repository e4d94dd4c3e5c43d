package io.fleetwarden.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.kube.LeaderDuties;
import io.fleetwarden.kube.LeaderElection;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.reconcile.runtime.ObjectKey;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.EngineOnCluster;
import io.fleetwarden.testing.cluster.FleetOnCluster;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scaling as Flux does, on the real control plane: shards by the {@code sharding.fluxcd.io/key} label, each with
 * its own Lease; and liveness: a health check that never passes holds no worker, and a new revision replaces it.
 */
class EngineShardsOnClusterTest {

    private static final String SHARD = "shard-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String OTHER_SHARD = SHARD + "-b";

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

    @Test
    void twoShardsEachLeadTheirOwnLeaseAndReconcileOnlyTheirObjects() {
        String ns = fleet.tenant("shards");
        String repo = fleet.repository("shards", ns);
        Digest digest = fleet.publish(repo, "latest", Map.of("kustomization.yaml", "resources: [cm.yaml]\n",
                "cm.yaml", FleetOnCluster.configMap("cm", "x")), SigningRequest.github());
        for (String shard : List.of(SHARD, OTHER_SHARD)) {
            Map<String, String> label = Map.of(Engine.SHARD_LABEL, shard);
            fleet.create(fleet.source(ns, shard, repo, "latest", label));
            fleet.create(fleet.kustomization(ns, shard, shard, "./", false, ns, label,
                    "  namePrefix: " + shard + "-\n"));
        }
        try (EngineOnCluster a = new EngineOnCluster(plane, artifacts, fleet.policies(), Duration.ofSeconds(1), SHARD, 2,
                false);
                EngineOnCluster b = new EngineOnCluster(plane, artifacts, fleet.policies(), Duration.ofSeconds(1),
                        OTHER_SHARD, 2, false);
                LeaderElection leaseA = elect(a, "fleetwarden-" + SHARD);
                LeaderElection leaseB = elect(b, "fleetwarden-" + OTHER_SHARD)) {
            // Each shard's Lease is its own: both replicas lead at once, each its shard.
            await().atMost(FleetOnCluster.WAIT).until(() -> leaseA.isLeader() && leaseB.isLeader());
            fleet.awaitApplied(ns, SHARD, "latest@" + digest);
            fleet.awaitApplied(ns, OTHER_SHARD, "latest@" + digest);
            assertThat(a.engine().watched("Kustomization")).containsExactly(new ObjectKey(ns, SHARD));
            assertThat(b.engine().watched("Kustomization")).containsExactly(new ObjectKey(ns, OTHER_SHARD));
            assertThat(a.engine().watched("OCIRepository")).containsExactly(new ObjectKey(ns, SHARD));
            assertThat(fleet.data(ns, SHARD + "-cm")).isEqualTo("x");
            assertThat(fleet.data(ns, OTHER_SHARD + "-cm")).isEqualTo("x");
        }
    }

    @Test
    void aHealthCheckThatNeverPassesHoldsNoWorkerAndANewRevisionReplacesItsWait() {
        String ns = fleet.tenant("liveness");
        String repo = fleet.repository("liveness", ns);
        String shard = SHARD + "-live";
        Map<String, String> label = Map.of(Engine.SHARD_LABEL, shard);
        // No kubelet runs here: a Deployment with a replica never becomes available, so its health check waits
        // until the timeout (1 min).
        Digest stuck = fleet.publish(repo, "latest", Map.of("kustomization.yaml", "resources: [d.yaml]\n",
                "d.yaml", deployment(1)), SigningRequest.github());
        String other = fleet.repository("liveness-other", ns);
        Digest fine = fleet.publish(other, "latest", Map.of("kustomization.yaml", "resources: [cm.yaml]\n",
                "cm.yaml", FleetOnCluster.configMap("other", "y")), SigningRequest.github());
        fleet.create(fleet.source(ns, "stuck", repo, "latest", label));
        fleet.create(fleet.kustomization(ns, "stuck", "stuck", "./", true, ns, label, ""));
        // One Kustomization worker: were it held by the waiting health check, nothing else would be reconciled.
        try (EngineOnCluster engine = new EngineOnCluster(plane, artifacts, fleet.policies(), Duration.ofSeconds(1),
                shard, 1, true)) {
            await().atMost(FleetOnCluster.WAIT).untilAsserted(() -> {
                JsonNode ks = fleet.get(ns, FluxKinds.KUSTOMIZATION, "stuck");
                assertThat(FleetOnCluster.condition(ks, "Ready").path("status").asText()).isEqualTo("Unknown");
                assertThat(FleetOnCluster.condition(ks, "Reconciling").path("message").asText())
                        .contains("health check in progress").contains("Deployment");
            });
            fleet.create(fleet.source(ns, "other", other, "latest", label));
            fleet.create(fleet.kustomization(ns, "other", "other", "./", false, ns, label, ""));
            fleet.awaitApplied(ns, "other", "latest@" + fine);
            assertThat(fleet.get(ns, FluxKinds.KUSTOMIZATION, "stuck").at("/status/lastAppliedRevision").asText())
                    .as("still waiting for the first revision's health").isEmpty();
            assertThat(fleet.get(ns, FluxKinds.KUSTOMIZATION, "stuck").at("/status/lastAttemptedRevision").asText())
                    .isEqualTo("latest@" + stuck);

            // A new revision (0 replicas: available at once) is applied at the next pass, well before the old
            // revision's health check would have timed out.
            Digest fixed = fleet.publish(repo, "latest", Map.of("kustomization.yaml", "resources: [d.yaml]\n",
                    "d.yaml", deployment(0)), SigningRequest.github());
            JsonNode ks = fleet.awaitApplied(ns, "stuck", "latest@" + fixed);
            assertThat(FleetOnCluster.condition(ks, "Healthy").path("status").asText()).isEqualTo("True");
        }
    }

    private static LeaderElection elect(EngineOnCluster engine, String lease) {
        LeaderDuties duties = new LeaderDuties(List.of());
        duties.add(new LeaderDuties.Leadership() {
            @Override
            public void startLeading() {
                engine.engine().start();
            }

            @Override
            public void stopLeading() {
                engine.engine().stop();
            }
        });
        LeaderElection election = new LeaderElection(admin, "default", lease, lease + "-replica",
                new LeaderElection.Timings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(1)),
                duties);
        election.start();
        return election;
    }

    private static String deployment(int replicas) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: app}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: app}}
                  template:
                    metadata: {labels: {app: app}}
                    spec:
                      containers: [{name: app, image: registry.invalid/app:1}]
                """.formatted(replicas);
    }
}
