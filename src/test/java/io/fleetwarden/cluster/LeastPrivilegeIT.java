package io.fleetwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.testing.cluster.Components;
import io.fleetwarden.testing.cluster.CustomResourceDefinitions;
import io.fleetwarden.testing.cluster.DeployManifests;
import io.fleetwarden.testing.cluster.GateOnCluster;
import io.fleetwarden.testing.cluster.TestNamespaces;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Least privilege for real: the service runs with a token of deploy/'s ServiceAccount (never an admin), and
 * every rule of deploy/base's Roles and ClusterRoles is needed: without it, a named behaviour breaks, and the
 * service says so in its log with the API server's own RBAC refusal. A rule this test does not know fails it:
 * a new rule comes with the behaviour that needs it, or it goes.
 *
 * <p>The certificate rules (Role fleetwarden-certificates, ClusterRole fleetwarden-webhook-configurations)
 * serve self-managed certificates, which this service (cert-manager arrangement) does not use; they are
 * listed as such below and are the subject of the self-managed certificate tests.
 */
class LeastPrivilegeIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What breaks without a rule, keyed by "Kind/name: groups resources[names] verbs". */
    private record Breakage(String logged, Check provoke, Check check) {
        Breakage(String logged, Check check) {
            this(logged, (gate, admin) -> { }, check);
        }
    }

    private interface Check {
        void verify(GateOnCluster gate, KubernetesClient admin) throws Exception;
    }

    /** A policy the leader has not written a status for yet (statuses already written are not written again). */
    private static final GenericKubernetesResource STATUS_PROBE = Serialization.unmarshal("""
            apiVersion: fleetwarden.io/v1alpha1
            kind: ArtifactPolicy
            metadata: {name: least-privilege-status-probe}
            spec:
              sources: ["oci://status-probe.invalid/*"]
              authorities: [{keyless: {issuer: https://token.actions.githubusercontent.com, subjectRegExp: "^x$"}}]
            """, GenericKubernetesResource.class);

    private static final Map<String, Breakage> NEEDED = new LinkedHashMap<>();
    private static final List<String> SELF_MANAGED_CERTIFICATES = List.of(
            "Role/fleetwarden-certificates: [] [secrets] [fleetwarden-webhook-tls, fleetwarden-webhook-ca] [get, update]",
            "Role/fleetwarden-certificates: [] [secrets] [] [create]",
            "ClusterRole/fleetwarden-webhook-configurations: [admissionregistration.k8s.io] [validatingwebhookconfigurations] [fleetwarden] [get, patch]",
            "ClusterRole/fleetwarden-webhook-configurations: [admissionregistration.k8s.io] [mutatingwebhookconfigurations] [fleetwarden-defaults] [get, patch]");

    static {
        NEEDED.put("ClusterRole/fleetwarden: [fleetwarden.io] [artifactpolicies, tenancypolicies] [] [list, watch]",
                new Breakage("cannot list resource \"artifactpolicies\"", (gate, admin) -> assertNotReady(gate, "policiesLoaded")));
        NEEDED.put("ClusterRole/fleetwarden: [fleetwarden.io] [artifactpolicies/status, tenancypolicies/status] [] [update]",
                new Breakage("not written: forbidden", LeastPrivilegeIT::applyNewPolicy, (gate, admin) ->
                        assertThat(admin.resource(STATUS_PROBE).get().<Object>get("status")).isNull()));
        NEEDED.put("ClusterRole/fleetwarden: [] [namespaces] [] [get, list, watch]",
                new Breakage("cannot list resource \"namespaces\"", (gate, admin) -> assertNotReady(gate, "namespacesLoaded")));
        NEEDED.put("ClusterRole/fleetwarden: [] [secrets, serviceaccounts] [] [get]",
                // Read only when a review needs a pull secret: the review is the provocation, 503 what the log says.
                new Breakage("code=503 reason=Unavailable", LeastPrivilegeIT::pullSecretUnreadable, (gate, admin) -> { }));
        NEEDED.put("ClusterRole/fleetwarden: [source.toolkit.fluxcd.io] [helmrepositories] [] [get, list, watch]",
                // The informer says so; a HelmChart's review, which must read its HelmRepository, is Unavailable.
                new Breakage("cannot list resource \"helmrepositories\"", LeastPrivilegeIT::helmRepositoryUnreadable,
                        (gate, admin) -> { }));
        NEEDED.put("ClusterRole/fleetwarden: [source.toolkit.fluxcd.io] [helmcharts] [] [list]",
                // Listed only when a HelmRepository is created or changed: that review is Unavailable.
                new Breakage("code=503 reason=Unavailable", LeastPrivilegeIT::helmChartsUnlistable,
                        (gate, admin) -> { }));
        NEEDED.put("ClusterRole/fleetwarden: [] [events] [] [create, patch]",
                // Written when a review is denied: the denial is the provocation, the Event is missing.
                new Breakage("denial events are not written: forbidden", LeastPrivilegeIT::unsignedSourceDenied,
                        (gate, admin) -> assertThat(admin.v1().events().inNamespace("default").list().getItems())
                                .noneMatch(e -> e.getMessage().contains("least-privilege-events"))));
        NEEDED.put("Role/fleetwarden-leader: [coordination.k8s.io] [leases] [fleetwarden-leader] [get, patch]",
                new Breakage("cannot get resource \"leases\"", (gate, admin) -> { }));
        NEEDED.put("Role/fleetwarden-leader: [coordination.k8s.io] [leases] [] [create]",
                new Breakage("cannot create resource \"leases\"", (gate, admin) -> { }));
        NEEDED.put("Role/fleetwarden-trusted-roots: [] [configmaps, secrets] [] [list, watch]",
                new Breakage("cannot list resource \"configmaps\"", (gate, admin) -> assertNotReady(gate, "trustedRootsLoaded")));
    }

    @Test
    void everyRuleOfDeployIsNeededByABehaviour() throws Exception {
        GateOnCluster gate = GateOnCluster.shared();
        List<GenericKubernetesResource> roles = new ArrayList<>();
        for (HasMetadata o : DeployManifests.render(Components.locate(), "deploy/base")) {
            if (o.getKind().equals("Role") || o.getKind().equals("ClusterRole")) {
                roles.add((GenericKubernetesResource) o);
            }
        }
        List<String> found = new ArrayList<>();
        try (KubernetesClient admin = gate.plane().adminClient()) {
            try {
                for (GenericKubernetesResource role : roles) {
                    List<Map<String, Object>> rules = role.get("rules");
                    for (int i = 0; i < rules.size(); i++) {
                        String key = key(role, rules.get(i));
                        found.add(key);
                        if (SELF_MANAGED_CERTIFICATES.contains(key)) {
                            continue;
                        }
                        Breakage breakage = NEEDED.get(key);
                        assertThat(breakage).as("rule %s has no behaviour that shows it is needed", key).isNotNull();
                        withoutRule(gate, admin, role, i, key, breakage);
                    }
                }
            } finally {
                for (GenericKubernetesResource role : roles) {
                    admin.resource(role).fieldManager("fleetwarden-tests").forceConflicts().serverSideApply();
                }
                gate.cluster().stopService();
                gate.cluster().startService();
            }
        }
        assertThat(found).containsAll(NEEDED.keySet()).containsAll(SELF_MANAGED_CERTIFICATES);
    }

    private static void withoutRule(GateOnCluster gate, KubernetesClient admin, GenericKubernetesResource role, int index,
            String key, Breakage breakage) throws Exception {
        GenericKubernetesResource reduced = Serialization.clone(role);
        List<Map<String, Object>> rules = new ArrayList<>(reduced.<List<Map<String, Object>>>get("rules"));
        rules.remove(index);
        reduced.setAdditionalProperty("rules", rules);
        admin.resource(reduced).fieldManager("fleetwarden-tests").forceConflicts().serverSideApply();
        // A fresh leader race each time: the Lease is deleted so the create path is exercised too.
        admin.leases().inNamespace("flux-system").withName("fleetwarden-leader").delete();
        gate.cluster().stopService();
        gate.cluster().startService(false);
        try {
            breakage.provoke().verify(gate, admin);
            await("without " + key).atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    assertThat(Files.readString(gate.cluster().service().log())).contains(breakage.logged()));
            breakage.check().verify(gate, admin);
        } finally {
            admin.resource(role).fieldManager("fleetwarden-tests").forceConflicts().serverSideApply();
        }
        // The same process recovers once the rule is back: its informers kept retrying (no restart needed).
        await("ready again with " + key).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions().until(() -> gate.cluster().webhookClient().get("/q/health/ready").statusCode() == 200);
    }

    private static void applyNewPolicy(GateOnCluster gate, KubernetesClient admin) throws Exception {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> readiness(gate).path("policiesLoaded").asBoolean());
        admin.resource(STATUS_PROBE).delete();
        admin.resource(STATUS_PROBE).create();
    }

    private static void unsignedSourceDenied(GateOnCluster gate, KubernetesClient admin) throws Exception {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> readiness(gate).path("policiesLoaded").asBoolean());
        String ns = TestNamespaces.create(admin, "least-privilege-events");
        String repo = gate.repository("unsigned");
        gate.artifacts().publish(repo, "latest");
        assertThatThrownBy(() -> admin.resource(gate.ociRepository(ns, "unsigned", repo, "latest")).create())
                .hasMessageContaining("denied the request: fleetwarden:");
    }

    private static GenericKubernetesResource helm(String yaml, Object... args) {
        return Serialization.unmarshal(yaml.formatted(args), GenericKubernetesResource.class);
    }

    private static void helmRepositoryUnreadable(GateOnCluster gate, KubernetesClient admin) throws Exception {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> readiness(gate).path("policiesLoaded").asBoolean());
        CustomResourceDefinitions.installFluxKinds(gate.plane(), "source-controller.yaml", Set.of("HelmRepository", "HelmChart"));
        String ns = TestNamespaces.create(admin, "helm-get");
        assertThatThrownBy(() -> admin.resource(helm("""
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: HelmChart
                metadata: {name: podinfo, namespace: %s}
                spec: {interval: 10m, chart: podinfo, sourceRef: {kind: HelmRepository, name: charts}}
                """, ns)).create())
                .hasMessageContaining("denied the request: fleetwarden:").hasMessageContaining("HelmRepository " + ns
                        + "/charts from the Kubernetes API").hasMessageContaining("403");
    }

    private static void helmChartsUnlistable(GateOnCluster gate, KubernetesClient admin) throws Exception {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> readiness(gate).path("policiesLoaded").asBoolean());
        CustomResourceDefinitions.installFluxKinds(gate.plane(), "source-controller.yaml", Set.of("HelmRepository", "HelmChart"));
        String ns = TestNamespaces.create(admin, "helm-list");
        assertThatThrownBy(() -> admin.resource(helm("""
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: HelmRepository
                metadata: {name: charts, namespace: %s}
                spec: {type: oci, interval: 10m, url: "oci://%s/acme/fleet-apps"}
                """, ns, gate.artifacts().host())).create())
                .hasMessageContaining("denied the request: fleetwarden:").hasMessageContaining("the HelmCharts of namespace "
                        + ns).hasMessageContaining("403");
    }

    private static void pullSecretUnreadable(GateOnCluster gate, KubernetesClient admin) throws Exception {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> readiness(gate).path("policiesLoaded").asBoolean());
        String ns = TestNamespaces.create(admin, "pull");
        String repo = gate.repository("private");
        gate.publishSigned(repo, "latest");
        GenericKubernetesResource source = gate.ociRepository(ns, "private", repo, "latest");
        source.<Map<String, Object>>get("spec").put("secretRef", Map.of("name", "registry-login"));
        assertThatThrownBy(() -> admin.resource(source).create())
                .hasMessageContaining("denied the request: fleetwarden:").hasMessageContaining("Kubernetes API")
                .hasMessageContaining("403");
    }

    /**
     * Not ready: either not serving at all yet (Quarkus waits for the informers before it listens) or answering
     * 503 with {@code field} false in the gate's readiness data.
     */
    private static void assertNotReady(GateOnCluster gate, String field) throws Exception {
        var response = tryGet(gate);
        if (response == null) {
            return;
        }
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).containsPattern("\"" + field + "\"\\s*:\\s*false");
    }

    private static java.net.http.HttpResponse<String> tryGet(GateOnCluster gate) {
        try {
            return gate.cluster().webhookClient().get("/q/health/ready");
        } catch (java.io.UncheckedIOException e) {
            assertThat(e).hasCauseInstanceOf(java.net.ConnectException.class); // not listening yet
            return null;
        }
    }

    /** The fleetwarden-gate check's data from the service's readiness endpoint. */
    static JsonNode readiness(GateOnCluster gate) throws Exception {
        String body = gate.cluster().webhookClient().get("/q/health/ready").body();
        for (JsonNode check : JSON.readTree(body).path("checks")) {
            if (check.path("name").asText().equals("fleetwarden-gate")) {
                return check.path("data");
            }
        }
        throw new AssertionError("no fleetwarden-gate check in " + body);
    }

    private static String key(GenericKubernetesResource role, Map<String, Object> rule) {
        return role.getKind() + "/" + role.getMetadata().getName() + ": " + rule.getOrDefault("apiGroups", List.of()) + " "
                + rule.getOrDefault("resources", List.of()) + " " + rule.getOrDefault("resourceNames", List.of()) + " "
                + rule.getOrDefault("verbs", List.of());
    }
}
