package io.fleetwarden.deploy;

import static io.fleetwarden.deploy.DeployManifestsTest.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.deploy.KubernetesApiCalls.Call;
import io.fleetwarden.testing.deploy.Kustomization;
import io.fleetwarden.testing.deploy.Manifests;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The service account may do exactly what the code does. {@link #CALLS} names every Kubernetes API call in
 * src/main/java and the resource it reaches; the scan must find exactly these (a new call fails here until it
 * is added, with its RBAC), and the ClusterRole must grant exactly their union.
 */
class DeployRbacTest {

    /** A call in the code and the resource it reaches. */
    record Expected(String file, String entry, String group, String resource, Set<String> verbs) {
    }

    static final List<Expected> CALLS = List.of(
            new Expected("io/fleetwarden/kube/PolicyInformer.java", "resources(ArtifactPolicy.class)", "fleetwarden.io",
                    "artifactpolicies", Set.of("list", "watch")),
            new Expected("io/fleetwarden/kube/PolicyInformer.java", "resources(TenancyPolicy.class)", "fleetwarden.io",
                    "tenancypolicies", Set.of("list", "watch")),
            new Expected("io/fleetwarden/kube/NamespaceLabelCache.java", "namespaces()", "", "namespaces",
                    Set.of("list", "watch")),
            new Expected("io/fleetwarden/kube/NamespaceLabelCache.java", "namespaces()", "", "namespaces", Set.of("get")),
            new Expected("io/fleetwarden/kube/PullSecretAccess.java", "serviceAccounts()", "", "serviceaccounts",
                    Set.of("get")),
            new Expected("io/fleetwarden/kube/PullSecretAccess.java", "secrets()", "", "secrets", Set.of("get")));

    /**
     * Granted for the certificate self-management (Secret fleetwarden-webhook-tls, webhook configurations
     * fleetwarden and fleetwarden-defaults, Lease fleetwarden-leader), whose code lands separately. Once it is
     * merged, the scan finds its calls: they must then be listed in {@link #CALLS}-like rows checked against
     * these grants (namespaced and name-pinned), and this reservation goes.
     */
    static final List<String> RESERVED_FOR_CERTIFICATES = List.of(
            "Role fleetwarden-certificates: secrets [fleetwarden-webhook-tls] get,update",
            "Role fleetwarden-certificates: coordination.k8s.io/leases [fleetwarden-leader] get,update",
            "Role fleetwarden-certificates: secrets [] create",
            "Role fleetwarden-certificates: coordination.k8s.io/leases [] create",
            "ClusterRole fleetwarden-webhook-configurations: admissionregistration.k8s.io/validatingwebhookconfigurations [fleetwarden] get,patch",
            "ClusterRole fleetwarden-webhook-configurations: admissionregistration.k8s.io/mutatingwebhookconfigurations [fleetwarden-defaults] get,patch");

    private final List<ObjectNode> base = Kustomization.render(Manifests.DEPLOY.resolve("base"));

    @Test
    void theTableListsEveryKubernetesApiCallInTheCode() {
        List<Call> found = KubernetesApiCalls.scan(Path.of("src/main/java"));
        assertThat(found).as("every call site has verbs the scan understands").allMatch(c -> !c.verbs().isEmpty());
        List<String> expected = CALLS.stream().map(e -> e.file() + " " + e.entry() + " " + new TreeSet<>(e.verbs())).toList();
        List<String> actual = found.stream().map(c -> c.file() + " " + c.entry() + " " + c.verbs()).toList();
        assertThat(actual).as("Kubernetes API calls in src/main/java (add a new one to CALLS and to deploy/base RBAC)")
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void theScanSeesANewCallAndItsVerbs() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("calls");
        java.nio.file.Files.writeString(dir.resolve("Rotator.java"), """
                import io.fabric8.kubernetes.client.KubernetesClient;
                class Rotator {
                    void run(KubernetesClient client, Object secret) {
                        client.secrets().inNamespace("flux-system").resource(secret).update();
                        client.configMaps().inNamespace("x").list();
                        client.pods().inNamespace("x").withName("y").isReady();
                    }
                }
                """);
        assertThat(KubernetesApiCalls.scan(dir)).containsExactly(
                new Call("Rotator.java", "secrets()", Set.of("update")),
                new Call("Rotator.java", "configMaps()", Set.of("list")),
                new Call("Rotator.java", "pods()", Set.of()));
    }

    @Test
    void theClusterRoleGrantsExactlyWhatTheCodeCalls() {
        Set<String> needed = new TreeSet<>();
        CALLS.forEach(c -> c.verbs().forEach(v -> needed.add(c.group() + "/" + c.resource() + " " + v)));
        ObjectNode role = Kustomization.one(base, "ClusterRole", "fleetwarden");
        Set<String> granted = new TreeSet<>();
        for (JsonNode rule : role.path("rules")) {
            assertThat(rule.has("resourceNames") || rule.has("nonResourceURLs")).isFalse();
            for (JsonNode g : rule.path("apiGroups")) {
                for (JsonNode r : rule.path("resources")) {
                    rule.path("verbs").forEach(v -> granted.add(g.asText() + "/" + r.asText() + " " + v.asText()));
                }
            }
        }
        assertThat(granted).doesNotContain("*").isEqualTo(needed);
        assertBoundTo(Kustomization.one(base, "ClusterRoleBinding", "fleetwarden"), "ClusterRole", "fleetwarden");
    }

    @Test
    void certificateGrantsAreNamespacedAndPinnedByName() {
        List<String> granted = new ArrayList<>();
        ObjectNode role = Kustomization.one(base, "Role", "fleetwarden-certificates");
        assertThat(Manifests.namespace(role)).isEqualTo("flux-system");
        ObjectNode webhookRole = Kustomization.one(base, "ClusterRole", "fleetwarden-webhook-configurations");
        for (ObjectNode r : List.of(role, webhookRole)) {
            for (JsonNode rule : r.path("rules")) {
                String group = rule.at("/apiGroups/0").asText();
                granted.add(Manifests.kind(r) + " " + Manifests.name(r) + ": " + (group.isEmpty() ? "" : group + "/")
                        + rule.at("/resources/0").asText() + " " + stream(rule.path("resourceNames")).map(JsonNode::asText).toList()
                        + " " + String.join(",", stream(rule.path("verbs")).map(JsonNode::asText).toList()));
                assertThat(rule.path("apiGroups").size() * rule.path("resources").size()).isEqualTo(1);
                boolean onlyCreate = stream(rule.path("verbs")).allMatch(v -> v.asText().equals("create"));
                assertThat(onlyCreate || rule.path("resourceNames").size() > 0)
                        .as("everything but create is pinned to a name: " + rule).isTrue();
            }
        }
        assertThat(granted).containsExactlyInAnyOrderElementsOf(RESERVED_FOR_CERTIFICATES);
        assertBoundTo(Kustomization.one(base, "RoleBinding", "fleetwarden-certificates"), "Role", "fleetwarden-certificates");
        assertBoundTo(Kustomization.one(base, "ClusterRoleBinding", "fleetwarden-webhook-configurations"), "ClusterRole",
                "fleetwarden-webhook-configurations");
    }

    @Test
    void noOtherRbacIsShipped() {
        assertThat(base.stream().filter(o -> Manifests.kind(o).endsWith("Role") || Manifests.kind(o).endsWith("RoleBinding"))
                .map(o -> Manifests.kind(o) + " " + Manifests.name(o))).containsExactlyInAnyOrder("ClusterRole fleetwarden",
                "ClusterRoleBinding fleetwarden", "Role fleetwarden-certificates", "RoleBinding fleetwarden-certificates",
                "ClusterRole fleetwarden-webhook-configurations", "ClusterRoleBinding fleetwarden-webhook-configurations");
    }

    private static void assertBoundTo(ObjectNode binding, String kind, String name) {
        assertThat(binding.at("/roleRef/kind").asText()).isEqualTo(kind);
        assertThat(binding.at("/roleRef/name").asText()).isEqualTo(name);
        assertThat(stream(binding.path("subjects"))).singleElement().satisfies(s -> {
            assertThat(s.path("kind").asText()).isEqualTo("ServiceAccount");
            assertThat(s.path("name").asText()).isEqualTo("fleetwarden");
            assertThat(s.path("namespace").asText()).isEqualTo("flux-system");
        });
    }
}
