package io.fleetwarden.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.CustomResourceDefinitions;
import io.fleetwarden.testing.cluster.EngineOnCluster;
import io.fleetwarden.testing.cluster.FleetOnCluster;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Kustomization's {@code spec.ignore} on the real control plane, as kustomize-controller applies it: an HPA-style
 * change through the {@code scale} subresource is kept (we apply the live replicas), a field another server-side-apply
 * manager took over is left out of our apply (it stays theirs), and every other hand edit of the same objects is still
 * put back.
 */
class DriftIgnoreOnClusterTest {

    private static final Duration WAIT = FleetOnCluster.WAIT;

    static SignedArtifacts artifacts;
    static EngineOnCluster engine;
    static KubernetesClient client;
    static FleetOnCluster fleet;

    @BeforeAll
    static void start() {
        ControlPlane plane = ControlPlane.shared();
        CustomResourceDefinitions.installFluxKinds(plane, "helm-controller.yaml", Set.of("HelmRelease"));
        artifacts = SignedArtifacts.onSharedRegistry();
        fleet = new FleetOnCluster(plane.adminClient(), artifacts);
        engine = new EngineOnCluster(plane, artifacts, fleet.policies(), Duration.ofSeconds(1));
        client = engine.client();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (artifacts != null) {
            artifacts.close();
        }
    }

    @Test
    void ignoredFieldsStayWithWhoeverChangedThemWhileOtherDriftIsCorrected() {
        String ns = fleet.tenant("driftignore");
        String repo = fleet.repository("driftignore", ns);
        Digest digest = fleet.publish(repo, "latest", Map.of("kustomization.yaml", "resources: [web.yaml, tuning.yaml]\n",
                "web.yaml", """
                        apiVersion: apps/v1
                        kind: Deployment
                        metadata:
                          name: web
                          annotations: {owner: platform}
                        spec:
                          replicas: 1
                          selector: {matchLabels: {app: web}}
                          template:
                            metadata: {labels: {app: web}}
                            spec:
                              containers: [{name: web, image: registry.example/web:1}]
                        """,
                "tuning.yaml", """
                        apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: tuning}
                        data: {threads: "1", mode: safe}
                        """), SigningRequest.github());
        fleet.create(fleet.source(ns, "source", repo, "latest", Map.of()));
        fleet.create(fleet.kustomization(ns, "app", "source", "./", false, ns, Map.of(), """
                  ignore:
                    - paths: [/spec/replicas]
                      target: {kind: Deployment, name: web}
                    - paths: [/data/threads]
                      target: {kind: ConfigMap}
                """));
        fleet.awaitApplied(ns, "app", "latest@" + digest);

        // An HPA scales through the scale subresource (an Update, not an apply), and a tuner takes /data/threads over
        // by server-side apply.
        client.apps().deployments().inNamespace(ns).withName("web").scale(3);
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("tuning")
                .endMetadata().withData(Map.of("threads", "8")).build())
                .fieldManager("tuner").forceConflicts().serverSideApply();
        // Hand edits of fields nothing ignores, in both objects: corrected at the next interval, in one apply each.
        client.apps().deployments().inNamespace(ns).withName("web").edit(d -> {
            d.getMetadata().getAnnotations().put("owner", "edited by hand");
            return d;
        });
        client.configMaps().inNamespace(ns).withName("tuning").edit(c -> {
            c.getData().put("mode", "fast");
            return c;
        });

        await().atMost(WAIT).untilAsserted(() -> {
            Deployment web = client.apps().deployments().inNamespace(ns).withName("web").get();
            ConfigMap tuning = client.configMaps().inNamespace(ns).withName("tuning").get();
            assertThat(web.getMetadata().getAnnotations()).containsEntry("owner", "platform");
            assertThat(tuning.getData()).containsEntry("mode", "safe");
        });
        Deployment web = client.apps().deployments().inNamespace(ns).withName("web").get();
        ConfigMap tuning = client.configMaps().inNamespace(ns).withName("tuning").get();
        assertThat(web.getSpec().getReplicas()).as("the scale subresource's replicas, adopted").isEqualTo(3);
        assertThat(tuning.getData()).as("the tuner's field, left out of our apply").containsEntry("threads", "8");
        assertThat(tuning.getMetadata().getManagedFields()).anySatisfy(f -> {
            assertThat(f.getManager()).isEqualTo("tuner");
            assertThat(f.getFieldsV1().getAdditionalProperties().toString()).contains("f:threads");
        });
        // Left out, not adopted: our apply no longer claims the tuner's field; the replicas, which no other apply
        // manager owns, we keep applying, at the cluster's value.
        assertThat(fields(tuning.getMetadata().getManagedFields())).doesNotContain("f:threads").contains("f:mode");
        assertThat(fields(web.getMetadata().getManagedFields())).contains("f:replicas");
    }

    /** kustomize-controller's apply entry, as text. */
    private static String fields(java.util.List<io.fabric8.kubernetes.api.model.ManagedFieldsEntry> entries) {
        return entries.stream().filter(f -> "kustomize-controller".equals(f.getManager())
                && "Apply".equals(f.getOperation())).findFirst().orElseThrow().getFieldsV1().getAdditionalProperties()
                .toString();
    }
}
