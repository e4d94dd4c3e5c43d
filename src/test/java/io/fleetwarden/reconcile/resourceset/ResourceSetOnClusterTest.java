package io.fleetwarden.reconcile.resourceset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetwarden.reconcile.Engine;
import io.fleetwarden.reconcile.FluxKinds;
import io.fleetwarden.reconcile.runtime.ObjectKey;
import io.fleetwarden.status.Outcome;
import io.fleetwarden.render.resourceset.ResourceSetRenderer;
import io.fleetwarden.testing.D2Fixtures;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.EngineOnCluster;
import io.fleetwarden.testing.cluster.FleetOnCluster;
import io.fleetwarden.testing.cluster.TestNamespaces;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ResourceSets reconciled by the engine on the real control plane: D2's own tenants, garbage collection of what
 * leaves a set, failures that prune nothing, and a tenant's ResourceSet reaching beyond its namespace.
 */
class ResourceSetOnClusterTest {

    private static final Duration WAIT = FleetOnCluster.WAIT;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VAR = Pattern.compile("\\$\\{([_A-Za-z][_A-Za-z0-9]*)}");

    static ControlPlane plane;
    static SignedArtifacts artifacts;
    static EngineOnCluster engine;
    static KubernetesClient client;
    static FleetOnCluster fleet;
    /** The client {@link #fleet} works with, closed with the class. */
    static KubernetesClient fleetAdmin;

    @BeforeAll
    static void start() {
        plane = ControlPlane.shared();
        artifacts = SignedArtifacts.onSharedRegistry();
        fleetAdmin = plane.adminClient();
        fleet = new FleetOnCluster(fleetAdmin, artifacts);
        engine = new EngineOnCluster(plane, artifacts, fleet.policies(), Duration.ofSeconds(1));
        client = engine.client();
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
        // D2's admission policy denies sources outside its allowlist in every tenant namespace: should the D2 test
        // fail before its ResourceSets are deleted, it must still not outlive this class in the shared control plane
        // (removed after the engine stopped, so nothing applies it again).
        if (plane != null) {
            try (KubernetesClient admin = plane.adminClient()) {
                admin.genericKubernetesResources("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding")
                        .withName("flux-tenant-sources").delete();
                admin.genericKubernetesResources("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy")
                        .withName("source.policy.fluxcd.controlplane.io").delete();
            }
        }
        if (artifacts != null) {
            artifacts.close();
        }
        if (fleetAdmin != null) {
            fleetAdmin.close();
        }
    }

    /**
     * D2's three tenant ResourceSets, as the staging cluster substitutes them: each is Ready with exactly the
     * objects the renderer gives (3, 16 and 14), owner-labelled, copyFrom data copied, infra waiting for policies and
     * apps for monitoring's Kustomization; then a tenant leaves the apps set and only its objects are deleted. The
     * tenants' namespaces are D2's fixed names (frontend, backend, cert-manager, monitoring): no other test uses them.
     */
    @Test
    void d2sTenantsAreDeliveredAndARemovedTenantIsGarbageCollected() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("flux-system").endMetadata()
                .build()).serverSideApply();
        Map<String, String> info = D2Fixtures.runtimeInfo("staging");
        client.configMaps().inNamespace("flux-system").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("flux-runtime-info").endMetadata().withData(info).build()).serverSideApply();
        String dockerConfig = "{\"auths\":{\"ghcr.io\":{\"auth\":\"c2VjcmV0\"}}}";
        client.secrets().inNamespace("flux-system").resource(new SecretBuilder().withNewMetadata().withName("ghcr-auth")
                .endMetadata().withType("kubernetes.io/dockerconfigjson").withData(Map.of(".dockerconfigjson",
                        b64(dockerConfig))).build()).serverSideApply();
        Map<String, List<String>> expected = new java.util.LinkedHashMap<>();
        // apps first: it waits for infra's Kustomization, infra for policies; the engine orders them, not the test.
        for (String tenant : List.of("apps", "infra", "policies")) {
            String yaml = substitute(Files.readString(D2Fixtures.path("d2-fleet/tenants/" + tenant + ".yaml")), info);
            expected.put(tenant, rendered(yaml));
            client.resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class)).create();
        }
        assertThat(expected.get("policies")).hasSize(3);
        assertThat(expected.get("infra")).hasSize(16);
        assertThat(expected.get("apps")).hasSize(14);

        for (String tenant : List.of("policies", "infra", "apps")) {
            JsonNode rs = awaitReady("flux-system", tenant);
            assertThat(FleetOnCluster.inventoryIds(rs)).as(tenant).containsExactlyInAnyOrderElementsOf(expected.get(tenant));
            JsonNode ready = FleetOnCluster.condition(rs, "Ready");
            assertThat(ready.path("reason").asText()).isEqualTo("ReconciliationSucceeded");
            assertThat(ready.path("message").asText()).startsWith("Reconciliation finished in ");
            assertThat(rs.at("/status/lastAppliedRevision").asText()).matches("sha256:[0-9a-f]{64}");
            assertThat(rs.at("/metadata/finalizers").toString()).contains("fluxcd.controlplane.io/finalizer");
            assertThat(FleetOnCluster.condition(rs, "Reconciling").isEmpty()).isTrue();
        }
        GenericKubernetesResource sa = client.genericKubernetesResources("v1", "ServiceAccount").inNamespace("frontend")
                .withName("flux").get();
        assertThat(sa.getMetadata().getLabels()).containsEntry("resourceset.fluxcd.controlplane.io/name", "apps")
                .containsEntry("resourceset.fluxcd.controlplane.io/namespace", "flux-system");
        assertThat(sa.getMetadata().getManagedFields()).anySatisfy(f -> assertThat(f.getManager()).isEqualTo("flux-operator"));
        assertThat(client.configMaps().inNamespace("monitoring").withName("flux-runtime-info").get().getData())
                .isEqualTo(info);
        var secret = client.secrets().inNamespace("backend").withName("ghcr-auth").get();
        assertThat(secret.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
        assertThat(secret.getData()).containsEntry(".dockerconfigjson", b64(dockerConfig));
        assertThat(client.rbac().clusterRoleBindings().withName("flux-infra-cert-manager").get()).isNotNull();
        assertThat(events("flux-system", "policies")).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("ApplySucceeded");
            assertThat(e.getMessage()).contains("ConfigMap/flux-system/flux-allowlist created")
                    .contains("ValidatingAdmissionPolicy/source.policy.fluxcd.controlplane.io created");
        });

        // backend leaves the apps set: its seven objects go, frontend's and the other sets' stay.
        List<String> infraBefore = FleetOnCluster.inventoryIds(get("flux-system", "infra"));
        String appsYaml = substitute(Files.readString(D2Fixtures.path("d2-fleet/tenants/apps.yaml")), info);
        client.genericKubernetesResources(FluxKinds.RESOURCE_SET).inNamespace("flux-system").withName("apps").edit(rs -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) rs.getAdditionalProperties().get("spec");
            ((List<?>) spec.get("inputs")).remove(1);
            return rs;
        });
        String withoutBackend = appsYaml.replaceAll("(?s)    - tenant: \"backend\".*?(?=  resources:)", "");
        List<String> frontendOnly = rendered(withoutBackend);
        assertThat(frontendOnly).hasSize(7).allMatch(id -> id.startsWith("frontend_") || id.startsWith("_frontend_"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(FleetOnCluster.inventoryIds(get("flux-system", "apps")))
                .containsExactlyInAnyOrderElementsOf(frontendOnly));
        await().atMost(WAIT).untilAsserted(() -> {
            var ns = client.namespaces().withName("backend").get();
            assertThat(ns == null || ns.getMetadata().getDeletionTimestamp() != null).as("namespace backend deleted")
                    .isTrue();
        });
        assertThat(client.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace("backend").withName("apps")
                .get()).isNull();
        assertThat(client.serviceAccounts().inNamespace("frontend").withName("flux").get()).isNotNull();
        assertThat(client.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace("frontend").withName("apps")
                .get()).isNotNull();
        assertThat(FleetOnCluster.inventoryIds(get("flux-system", "infra"))).isEqualTo(infraBefore);
        assertThat(events("flux-system", "apps")).anySatisfy(e -> assertThat(e.getMessage())
                .contains("Kustomization/backend/apps deleted").contains("Namespace/backend deleted"));

        // Deleting the sets deletes what they applied (the admission policy must not outlive this test).
        for (String tenant : List.of("apps", "infra", "policies")) {
            client.genericKubernetesResources(FluxKinds.RESOURCE_SET).inNamespace("flux-system").withName(tenant).delete();
        }
        await().atMost(WAIT).until(() -> client.genericKubernetesResources(FluxKinds.RESOURCE_SET)
                .inNamespace("flux-system").list().getItems().isEmpty());
        assertThat(client.genericKubernetesResources("admissionregistration.k8s.io/v1",
                "ValidatingAdmissionPolicyBinding").withName("flux-tenant-sources").get()).isNull();
        assertThat(client.rbac().clusterRoleBindings().withName("flux-infra-monitoring").get()).isNull();
    }

    @Test
    void aTemplateErrorStallsAndPrunesNothing() {
        String ns = fleet.tenant("rset-template");
        create(ns, "cms", "  inputs: [{name: a}, {name: b}]\n" + configMapTemplate("<< inputs.name >>", ns));
        JsonNode ready = awaitReady(ns, "cms");
        assertThat(FleetOnCluster.inventoryIds(ready)).containsExactly(ns + "_a__ConfigMap", ns + "_b__ConfigMap");
        JsonNode applied = ready.at("/status/history/0");
        assertThat(applied.path("digest").asText()).isEqualTo(ready.at("/status/lastAppliedRevision").asText());
        assertThat(applied.path("lastReconciledStatus").asText()).isEqualTo("ReconciliationSucceeded");
        assertThat(applied.path("totalReconciliations").asLong()).isEqualTo(1);
        assertThat(applied.path("metadata").toString()).isEqualTo("{\"inputs\":\"2\",\"resources\":\"2\"}");

        replaceSpec(ns, "cms", "  inputs: [{name: a}]\n" + configMapTemplate("<< inputs.nam >>", ns));
        JsonNode rs = await().atMost(WAIT).until(() -> get(ns, "cms"),
                o -> "BuildFailed".equals(FleetOnCluster.condition(o, "Ready").path("reason").asText()));
        assertThat(FleetOnCluster.condition(rs, "Ready").path("message").asText())
                .startsWith("build failed: failed to build resources[0]")
                .contains("for input set #0 from ResourceSet/cms")
                .contains("map has no entry for key \"nam\"");
        assertThat(FleetOnCluster.condition(rs, "Stalled").path("status").asText()).isEqualTo("True");
        assertThat(FleetOnCluster.inventoryIds(rs)).containsExactly(ns + "_a__ConfigMap", ns + "_b__ConfigMap");
        assertThat(rs.at("/status/history/0/lastReconciledStatus").asText()).isEqualTo("BuildFailed");
        assertThat(rs.at("/status/history/1")).isEqualTo(applied);
        assertThat(rs.at("/status/lastAppliedRevision").asText()).as("what is applied did not change")
                .isEqualTo(applied.path("digest").asText());
        assertThat(fleet.data(ns, "a")).isEqualTo("x");
        assertThat(fleet.data(ns, "b")).isEqualTo("x");
    }

    @Test
    void aDependencyNotReadyPrunesNothingAndTheSetMovesOnOnceItIs() {
        String ns = fleet.tenant("rset-deps");
        create(ns, "cms", "  inputs: [{name: a}, {name: b}]\n" + configMapTemplate("<< inputs.name >>", ns));
        awaitReady(ns, "cms");

        replaceSpec(ns, "cms", """
                  dependsOn:
                    - apiVersion: v1
                      kind: ConfigMap
                      name: gate
                      namespace: %s
                      ready: true
                      readyExpr: data.open == 'yes'
                  inputs: [{name: a}]
                """.formatted(ns) + configMapTemplate("<< inputs.name >>", ns));
        JsonNode rs = await().atMost(WAIT).until(() -> get(ns, "cms"), o -> FleetOnCluster.condition(o, "Ready")
                .path("message").asText().contains("not found"));
        assertThat(FleetOnCluster.condition(rs, "Ready").path("reason").asText()).isEqualTo("DependencyNotReady");
        assertThat(FleetOnCluster.condition(rs, "Ready").path("message").asText())
                .isEqualTo("Retrying dependency check: dependency v1/ConfigMap/" + ns + "/gate not found");
        assertThat(fleet.data(ns, "b")).as("nothing pruned while waiting").isEqualTo("x");

        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("gate")
                .endMetadata().withData(Map.of("open", "no")).build()).create();
        await().atMost(WAIT).untilAsserted(() -> assertThat(FleetOnCluster.condition(get(ns, "cms"), "Ready")
                .path("message").asText()).isEqualTo("Retrying dependency check: dependency v1/ConfigMap/" + ns
                        + "/gate not ready: expression 'data.open == 'yes''"));
        assertThat(fleet.data(ns, "b")).isEqualTo("x");

        client.configMaps().inNamespace(ns).withName("gate").edit(cm -> {
            cm.getData().put("open", "yes");
            return cm;
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(FleetOnCluster.inventoryIds(get(ns, "cms")))
                .containsExactly(ns + "_a__ConfigMap"));
        assertThat(client.configMaps().inNamespace(ns).withName("b").get()).isNull();
        assertThat(client.configMaps().inNamespace(ns).withName("gate").get()).isNotNull();
    }

    @Test
    void aDeletionTheTenantMayNotMakeStaysInTheInventoryUntilItCan() {
        String ns = fleet.tenant("rset-refused");
        create(ns, "cms", "  inputs: [{name: a}, {name: b}]\n" + configMapTemplate("<< inputs.name >>", ns));
        awaitReady(ns, "cms");
        // The tenant's service account loses the right to delete: garbage collection is refused by the API server.
        client.rbac().roles().inNamespace(ns).withName("tenant-admin").edit(r -> {
            r.getRules().get(0).setVerbs(List.of("get", "list", "watch", "create", "update", "patch"));
            return r;
        });
        replaceSpec(ns, "cms", "  inputs: [{name: a}]\n" + configMapTemplate("<< inputs.name >>", ns));
        JsonNode rs = await().atMost(WAIT).until(() -> get(ns, "cms"), o -> FleetOnCluster.condition(o, "Ready")
                .path("message").asText().contains("garbage collection failed"));
        assertThat(FleetOnCluster.condition(rs, "Ready").path("reason").asText()).isEqualTo("ReconciliationFailed");
        assertThat(FleetOnCluster.condition(rs, "Ready").path("message").asText())
                .startsWith("reconciliation failed: garbage collection failed, kept in the inventory to retry: ")
                .contains("serviceaccount " + ns + "/flux cannot delete ConfigMap \"b\" in namespace " + ns);
        assertThat(FleetOnCluster.inventoryIds(rs)).containsExactlyInAnyOrder(ns + "_a__ConfigMap", ns + "_b__ConfigMap");
        assertThat(fleet.data(ns, "b")).isEqualTo("x");

        client.rbac().roles().inNamespace(ns).withName("tenant-admin").edit(r -> {
            r.getRules().get(0).setVerbs(List.of("*"));
            return r;
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(FleetOnCluster.inventoryIds(awaitReady(ns, "cms")))
                .containsExactly(ns + "_a__ConfigMap"));
        assertThat(client.configMaps().inNamespace(ns).withName("b").get()).isNull();
    }

    @Test
    void aTenantResourceSetCreatingAClusterRoleBindingIsRefusedBeforeAnythingIsApplied() {
        String ns = fleet.tenant("rset-escape");
        create(ns, "escape", """
                  resources:
                    - apiVersion: v1
                      kind: ConfigMap
                      metadata: {name: ok, namespace: %1$s}
                      data: {value: x}
                    - apiVersion: rbac.authorization.k8s.io/v1
                      kind: ClusterRoleBinding
                      metadata: {name: %1$s-admin}
                      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                      subjects: [{kind: ServiceAccount, name: flux, namespace: %1$s}]
                """.formatted(ns));
        JsonNode rs = await().atMost(WAIT).until(() -> get(ns, "escape"),
                o -> "AccessDenied".equals(FleetOnCluster.condition(o, "Ready").path("reason").asText()));
        assertThat(FleetOnCluster.condition(rs, "Ready").path("message").asText()).contains("ClusterRoleBinding")
                .contains(ns + "-admin").contains("nothing applied");
        assertThat(client.configMaps().inNamespace(ns).withName("ok").get()).isNull();
        assertThat(client.rbac().clusterRoleBindings().withName(ns + "-admin").get()).isNull();
        assertThat(FleetOnCluster.inventoryIds(rs)).isEmpty();
    }

    @Test
    void staticInputProvidersFeedTheSetAndOtherTypesAreRefusedByName() {
        String ns = fleet.tenant("rset-rsip");
        client.resource(Serialization.unmarshal("""
                apiVersion: fluxcd.controlplane.io/v1
                kind: ResourceSetInputProvider
                metadata: {name: team-a, namespace: %s, labels: {team: a}}
                spec:
                  type: Static
                  defaultValues: {name: from-provider}
                """.formatted(ns), GenericKubernetesResource.class)).create();
        create(ns, "provided", "  inputsFrom: [{selector: {matchLabels: {team: a}}}]\n"
                + configMapTemplate("<< inputs.name >>-<< inputs.id >>", ns));
        String id = Long.toString(adler32("team-a"));
        JsonNode rs = awaitReady(ns, "provided");
        assertThat(FleetOnCluster.inventoryIds(rs)).containsExactly(ns + "_from-provider-" + id + "__ConfigMap");

        // The provider goes: no inputs, an empty set, everything it rendered garbage-collected.
        client.genericKubernetesResources(FluxKinds.RESOURCE_SET_INPUT_PROVIDER).inNamespace(ns).withName("team-a")
                .delete();
        await().atMost(WAIT).untilAsserted(() -> assertThat(FleetOnCluster.inventoryIds(get(ns, "provided"))).isEmpty());
        assertThat(client.configMaps().inNamespace(ns).withName("from-provider-" + id).get()).isNull();

        client.resource(Serialization.unmarshal("""
                apiVersion: fluxcd.controlplane.io/v1
                kind: ResourceSetInputProvider
                metadata: {name: prs, namespace: %s}
                spec:
                  type: GitHubPullRequest
                  url: https://github.com/acme/app
                """.formatted(ns), GenericKubernetesResource.class)).create();
        create(ns, "prs", "  inputsFrom: [{name: prs}]\n" + configMapTemplate("<< inputs.id >>", ns));
        JsonNode stalled = await().atMost(WAIT).until(() -> get(ns, "prs"),
                o -> "True".equals(FleetOnCluster.condition(o, "Stalled").path("status").asText()));
        assertThat(FleetOnCluster.condition(stalled, "Ready").path("message").asText()).isEqualTo("failed to compute"
                + " inputs: unsupported provider type 'GitHubPullRequest' of ResourceSetInputProvider/prs, only"
                + " 'Static' is supported in engine mode");
    }

    @Test
    void aTenantCopiesOnlyWhatItsServiceAccountMayRead() {
        String ns = fleet.tenant("rset-copy");
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("mine").endMetadata()
                .withData(Map.of("token", b64("tenant-secret"))).build()).create();
        String other = TestNamespaces.create(client, "rset-copy-victim");
        client.secrets().inNamespace(other).resource(new SecretBuilder().withNewMetadata().withName("theirs")
                .endMetadata().withData(Map.of("token", b64("not-for-tenants"))).build()).create();
        create(ns, "copy", """
                  resources:
                    - apiVersion: v1
                      kind: Secret
                      metadata:
                        name: copied
                        namespace: %s
                        annotations: {fluxcd.controlplane.io/copyFrom: "%s/mine"}
                """.formatted(ns, ns));
        awaitReady(ns, "copy");
        var copied = client.secrets().inNamespace(ns).withName("copied").get();
        assertThat(copied.getData()).containsExactly(Map.entry("token", b64("tenant-secret")));
        assertThat(copied.getType()).isEqualTo("Opaque");

        replaceSpec(ns, "copy", """
                  resources:
                    - apiVersion: v1
                      kind: Secret
                      metadata:
                        name: copied
                        namespace: %s
                        annotations: {fluxcd.controlplane.io/copyFrom: "%s/theirs"}
                """.formatted(ns, other));
        JsonNode rs = await().atMost(WAIT).until(() -> get(ns, "copy"), o -> "ReconciliationFailed".equals(
                FleetOnCluster.condition(o, "Ready").path("reason").asText()));
        String message = FleetOnCluster.condition(rs, "Ready").path("message").asText();
        assertThat(message).startsWith("reconciliation failed: Secret/" + ns + "/copied: failed to copy data from Secret/"
                + other + "/theirs as serviceaccount " + ns + "/flux (403)").doesNotContain(b64("not-for-tenants"))
                .doesNotContain("not-for-tenants");
        assertThat(client.secrets().inNamespace(ns).withName("copied").get().getData())
                .containsExactly(Map.entry("token", b64("tenant-secret")));
    }

    @Test
    void stepsAreAppliedInOrderAndWaitTimesOutWithFluxOperatorsReason() {
        String ns = fleet.tenant("rset-steps");
        client.resource(Serialization.unmarshal("""
                apiVersion: fluxcd.controlplane.io/v1
                kind: ResourceSet
                metadata:
                  name: steps
                  namespace: %1$s
                  annotations: {fluxcd.controlplane.io/reconcileTimeout: 3s}
                spec:
                  wait: true
                  steps:
                    - name: config
                      resources:
                        - {apiVersion: v1, kind: ConfigMap, metadata: {name: first, namespace: %1$s}, data: {value: x}}
                    - name: workload
                      resources:
                        - apiVersion: apps/v1
                          kind: Deployment
                          metadata: {name: web, namespace: %1$s}
                          spec:
                            replicas: 1
                            selector: {matchLabels: {app: web}}
                            template:
                              metadata: {labels: {app: web}}
                              spec: {containers: [{name: web, image: nginx}]}
                """.formatted(ns), GenericKubernetesResource.class)).create();
        // No kubelet runs pods here: the Deployment never becomes available, and wait fails after reconcileTimeout.
        JsonNode rs = await().atMost(WAIT).until(() -> get(ns, "steps"), o -> FleetOnCluster.condition(o, "Ready")
                .path("message").asText().contains("timeout waiting for"));
        assertThat(FleetOnCluster.condition(rs, "Ready").path("reason").asText()).isEqualTo("ReconciliationFailed");
        assertThat(FleetOnCluster.condition(rs, "Ready").path("message").asText())
                .startsWith("reconciliation failed: timeout waiting for: ").contains("Deployment " + ns + "/web");
        assertThat(FleetOnCluster.condition(rs, "Reconciling").path("reason").asText()).isEqualTo("ProgressingWithRetry");
        assertThat(FleetOnCluster.inventoryIds(rs)).containsExactly(ns + "_first__ConfigMap", ns + "_web_apps_Deployment");
        assertThat(events(ns, "steps")).anySatisfy(e -> assertThat(e.getMessage())
                .isEqualTo("step \"config\": ConfigMap/" + ns + "/first created"));
    }

    @Test
    void anAnnotationNotImplementedIsRefusedByNameAndADisabledSetIsLeftAlone() {
        String ns = fleet.tenant("rset-annotations");
        create(ns, "checksum", """
                  resources:
                    - apiVersion: v1
                      kind: ConfigMap
                      metadata:
                        name: app
                        namespace: %s
                        annotations: {fluxcd.controlplane.io/checksumFrom: "ConfigMap/other"}
                """.formatted(ns));
        JsonNode rs = await().atMost(WAIT).until(() -> get(ns, "checksum"),
                o -> "True".equals(FleetOnCluster.condition(o, "Stalled").path("status").asText()));
        assertThat(FleetOnCluster.condition(rs, "Ready").path("message").asText()).isEqualTo("build failed: ConfigMap/"
                + ns + "/app: annotation fluxcd.controlplane.io/checksumFrom is not supported in engine mode");
        assertThat(client.configMaps().inNamespace(ns).withName("app").get()).isNull();

        client.resource(Serialization.unmarshal("""
                apiVersion: fluxcd.controlplane.io/v1
                kind: ResourceSet
                metadata:
                  name: paused
                  namespace: %1$s
                  annotations: {fluxcd.controlplane.io/reconcile: disabled}
                spec:
                  resources:
                    - {apiVersion: v1, kind: ConfigMap, metadata: {name: paused, namespace: %1$s}, data: {value: x}}
                """.formatted(ns), GenericKubernetesResource.class)).create();
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(ns, "paused")).anySatisfy(e -> {
            assertThat(e.getReason()).isEqualTo("ReconciliationDisabled");
            assertThat(e.getType()).isEqualTo("Warning");
        }));
        assertThat(client.configMaps().inNamespace(ns).withName("paused").get()).isNull();
        // Enabling it again is an annotation change, not a spec change: the engine reconciles it at once.
        client.genericKubernetesResources(FluxKinds.RESOURCE_SET).inNamespace(ns).withName("paused").edit(r -> {
            r.getMetadata().getAnnotations().put("fluxcd.controlplane.io/reconcile", "enabled");
            return r;
        });
        awaitReady(ns, "paused");
        assertThat(fleet.data(ns, "paused")).isEqualTo("x");
    }

    /**
     * A new leader's provider informer has not listed yet: its empty cache is not "no inputs", so nothing is
     * rendered, applied or garbage-collected until it has.
     */
    @Test
    void providersNotYetListedAreNotAnEmptySet() {
        String ns = fleet.tenant("rset-unsynced");
        client.resource(Serialization.unmarshal("""
                apiVersion: fluxcd.controlplane.io/v1
                kind: ResourceSetInputProvider
                metadata: {name: team, namespace: %s}
                spec: {type: Static, defaultValues: {name: kept}}
                """.formatted(ns), GenericKubernetesResource.class)).create();
        create(ns, "provided", "  inputsFrom: [{name: team}]\n" + configMapTemplate("<< inputs.name >>", ns));
        JsonNode before = awaitReady(ns, "provided");

        Engine.Caches notListed = new Engine.Caches() {
            @Override
            public GenericKubernetesResource get(ResourceDefinitionContext kind, ObjectKey key) {
                return client.genericKubernetesResources(kind).inNamespace(key.namespace()).withName(key.name()).get();
            }

            @Override
            public List<GenericKubernetesResource> list(ResourceDefinitionContext kind) {
                return List.of();
            }

            @Override
            public boolean synced(ResourceDefinitionContext kind) {
                return false;
            }
        };
        Outcome outcome = engine.resourceSetReconciler(notListed).reconcile(new ObjectKey(ns, "provided"));
        assertThat(outcome).isInstanceOfSatisfying(Outcome.Waiting.class, w -> assertThat(w.message())
                .isEqualTo("waiting for the ResourceSetInputProviders to be listed"));
        assertThat(fleet.data(ns, "kept")).isEqualTo("x");
        assertThat(get(ns, "provided").at("/status")).isEqualTo(before.at("/status"));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** As in Flux Operator, a namespaced object must name its namespace: none is defaulted. */
    private static String configMapTemplate(String name, String ns) {
        return """
                  resources:
                    - apiVersion: v1
                      kind: ConfigMap
                      metadata:
                        name: %s
                        namespace: %s
                      data: {value: x}
                """.formatted(name, ns);
    }

    private static void create(String ns, String name, String spec) {
        client.resource(Serialization.unmarshal("""
                apiVersion: fluxcd.controlplane.io/v1
                kind: ResourceSet
                metadata: {name: %s, namespace: %s}
                spec:
                %s""".formatted(name, ns, spec), GenericKubernetesResource.class)).create();
    }

    private static void replaceSpec(String ns, String name, String spec) {
        GenericKubernetesResource next = Serialization.unmarshal("""
                apiVersion: fluxcd.controlplane.io/v1
                kind: ResourceSet
                metadata: {name: %s, namespace: %s}
                spec:
                %s""".formatted(name, ns, spec), GenericKubernetesResource.class);
        client.genericKubernetesResources(FluxKinds.RESOURCE_SET).inNamespace(ns).withName(name).edit(rs -> {
            rs.getAdditionalProperties().put("spec", next.getAdditionalProperties().get("spec"));
            return rs;
        });
    }

    private static JsonNode get(String ns, String name) {
        return JSON.valueToTree(client.genericKubernetesResources(FluxKinds.RESOURCE_SET).inNamespace(ns).withName(name)
                .get());
    }

    private static JsonNode awaitReady(String ns, String name) {
        return await().atMost(WAIT).until(() -> get(ns, name),
                o -> "True".equals(FleetOnCluster.condition(o, "Ready").path("status").asText()));
    }

    private static List<io.fabric8.kubernetes.api.model.Event> events(String ns, String name) {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())
                        && "ResourceSet".equals(e.getInvolvedObject().getKind()))
                .toList();
    }

    /** The inventory ids of what the renderer (proven identical to Flux Operator's CLI) makes of a ResourceSet. */
    private static List<String> rendered(String yaml) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> rs = (Map<String, Object>) ResourceSetRenderer.readYaml(yaml).get(0);
        List<String> ids = new ArrayList<>();
        for (ResourceSetRenderer.Step step : ResourceSetRenderer.render(rs, List.of())) {
            for (Map<String, Object> o : step.objects()) {
                ids.add(io.fleetwarden.apply.ObjectRef.of(JSON.valueToTree(o)).inventoryId());
            }
        }
        return ids;
    }

    private static String substitute(String text, Map<String, String> values) {
        Matcher m = VAR.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            assertThat(v).as("runtime info " + m.group(1)).isNotNull();
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        return m.appendTail(sb).toString();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static long adler32(String s) {
        java.util.zip.Adler32 a = new java.util.zip.Adler32();
        a.update(s.getBytes(StandardCharsets.UTF_8));
        return a.getValue();
    }
}
