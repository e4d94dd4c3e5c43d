package io.fleetwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.config.CertificatesConfig;
import io.fleetwarden.config.LeaderConfig;
import io.fleetwarden.testing.deploy.Kustomization;
import io.fleetwarden.testing.deploy.Manifests;
import io.smallrye.config.WithDefault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** Every manifest under deploy/ parses, is part of a kustomization, and the workload settings hold. */
class DeployManifestsTest {

    private static final Path BASE = Manifests.DEPLOY.resolve("base");
    private final List<ObjectNode> base = Kustomization.render(BASE);
    private final ObjectNode deployment = Kustomization.one(base, "Deployment", "fleetwarden");
    private final JsonNode pod = deployment.at("/spec/template/spec");
    private final JsonNode container = pod.at("/containers/0");

    @Test
    void everyYamlFileParsesAndEveryManifestIsRendered() {
        Set<Path> referenced = new HashSet<>();
        for (Path dir : List.of(BASE, overlay("guard"), overlay("cert-manager"), overlay("engine"))) {
            referenced.add(dir.resolve("kustomization.yaml"));
            for (JsonNode r : Manifests.read(dir.resolve("kustomization.yaml")).get(0).path("resources")) {
                referenced.add(dir.resolve(r.asText()).normalize());
            }
        }
        List<Path> files = Manifests.yamlFiles(Manifests.DEPLOY);
        assertThat(files).hasSizeGreaterThan(10);
        for (Path f : files) {
            List<ObjectNode> docs = Manifests.read(f);
            assertThat(docs).as(f.toString()).isNotEmpty();
            docs.forEach(d -> assertThat(d.path("kind").asText()).as(f + " kind").isNotEmpty());
        }
        assertThat(referenced).as("no manifest in deploy/ is left out of a kustomization").containsAll(files);
    }

    @Test
    void everythingNamespacedLivesInFluxSystemAndNoNamespaceIsCreated() {
        assertThat(base).noneMatch(o -> Manifests.kind(o).equals("Namespace"));
        base.stream().filter(o -> !Manifests.isClusterScoped(o))
                .forEach(o -> assertThat(Manifests.namespace(o)).as(Manifests.kind(o) + " " + Manifests.name(o))
                        .isEqualTo("flux-system"));
        assertThat(Manifests.read(BASE.resolve("kustomization.yaml")).get(0).path("namespace").asText())
                .isEqualTo("flux-system");
    }

    @Test
    void twoReplicasSpreadOverNodesAndRolledWithoutLosingOne() {
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
        assertThat(pod.path("serviceAccountName").asText()).isEqualTo("fleetwarden");
        JsonNode spread = pod.path("topologySpreadConstraints");
        assertThat(stream(spread).filter(c -> c.path("topologyKey").asText().equals("kubernetes.io/hostname")
                && c.path("whenUnsatisfiable").asText().equals("DoNotSchedule")
                && c.at("/labelSelector/matchLabels/app.kubernetes.io~1name").asText().equals("fleetwarden"))).hasSize(1);
        ObjectNode pdb = Kustomization.one(base, "PodDisruptionBudget", "fleetwarden");
        assertThat(pdb.at("/spec/minAvailable").asInt()).isEqualTo(1);
        assertThat(pdb.at("/spec/selector")).isEqualTo(deployment.at("/spec/selector"));
    }

    @Test
    void podMeetsTheRestrictedPodSecurityStandard() {
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(1001);
        assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        assertThat(pod.has("hostNetwork") || pod.has("hostPID") || pod.has("hostIPC")).isFalse();
        JsonNode sc = container.path("securityContext");
        assertThat(sc.path("allowPrivilegeEscalation").isBoolean() && !sc.path("allowPrivilegeEscalation").asBoolean()).isTrue();
        assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(sc.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(stream(sc.at("/capabilities/drop")).map(JsonNode::asText)).containsExactly("ALL");
        assertThat(sc.has("privileged") || sc.at("/capabilities").has("add")).isFalse();
        assertThat(sc.at("/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        assertThat(mount("/tmp")).isNotNull();
        assertThat(volume(mount("/tmp").path("name").asText()).has("emptyDir")).isTrue();
    }

    @Test
    void tlsSecretIsMountedWhereTheServiceReadsIt() throws Exception {
        JsonNode tls = mount("/etc/fleetwarden/tls");
        assertThat(tls.path("readOnly").asBoolean()).isTrue();
        JsonNode secret = volume(tls.path("name").asText()).path("secret");
        assertThat(secret.path("secretName").asText()).isEqualTo("fleetwarden-webhook-tls");
        assertThat(secret.path("defaultMode").asInt()).isEqualTo(0440);
        String properties = Files.readString(Path.of("src/main/resources/application.properties"));
        assertThat(properties).contains("fleetwarden.tls.cert-file=/etc/fleetwarden/tls/tls.crt")
                .contains("fleetwarden.tls.key-file=/etc/fleetwarden/tls/tls.key");
    }

    @Test
    void probesUseHttpsOnTheOnlyPort() throws Exception {
        assertThat(stream(container.path("ports"))).singleElement()
                .satisfies(p -> assertThat(p.path("containerPort").asInt()).isEqualTo(8443))
                .satisfies(p -> assertThat(p.path("name").asText()).isEqualTo("https"));
        assertThat(Files.readString(Path.of("src/main/resources/application.properties")))
                .contains("quarkus.http.ssl-port=8443").contains("quarkus.http.insecure-requests=disabled");
        for (String[] probe : new String[][] { { "startupProbe", "/q/health/started" },
                { "livenessProbe", "/q/health/live" }, { "readinessProbe", "/q/health/ready" } }) {
            JsonNode get = container.path(probe[0]).path("httpGet");
            assertThat(get.path("scheme").asText()).as(probe[0]).isEqualTo("HTTPS");
            assertThat(get.path("port").asText()).as(probe[0]).isEqualTo("https");
            assertThat(get.path("path").asText()).as(probe[0]).isEqualTo(probe[1]);
        }
    }

    @Test
    void resourcesAreSetAndTheHeapIsSizedFromTheLimit() {
        JsonNode resources = container.path("resources");
        assertThat(resources.at("/requests/cpu").asText()).isNotEmpty();
        assertThat(resources.at("/requests/memory").asText()).isNotEmpty();
        assertThat(resources.at("/limits/memory").asText()).isNotEmpty();
        assertThat(env("JAVA_TOOL_OPTIONS")).containsPattern("-XX:MaxRAMPercentage=\\d+");
        assertThat(env("FLEETWARDEN_CERTS_SELF_MANAGED")).isEqualTo("true");
    }

    @Test
    void thePodTellsTheCodeItsNamespaceAndName() throws Exception {
        // Certificates and leader election read ${POD_NAMESPACE} (else they would use flux-system whatever the
        // install namespace) and the leader identity POD_NAME.
        for (Class<?> mapping : List.of(CertificatesConfig.class, LeaderConfig.class)) {
            assertThat(mapping.getMethod("namespace").getAnnotation(WithDefault.class).value())
                    .startsWith("${POD_NAMESPACE:");
        }
        for (String[] field : new String[][] { { "POD_NAMESPACE", "metadata.namespace" }, { "POD_NAME", "metadata.name" } }) {
            assertThat(stream(container.path("env")).filter(e -> e.path("name").asText().equals(field[0])))
                    .as(field[0]).singleElement()
                    .satisfies(e -> assertThat(e.at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo(field[1]));
        }
    }

    @Test
    void serviceAndNetworkPolicyReachTheContainerPort() {
        ObjectNode service = Kustomization.one(base, "Service", "fleetwarden");
        assertThat(service.at("/spec/selector")).isEqualTo(deployment.at("/spec/selector/matchLabels"));
        assertThat(stream(service.at("/spec/ports"))).singleElement()
                .satisfies(p -> assertThat(p.path("port").asInt()).isEqualTo(443))
                .satisfies(p -> assertThat(p.path("targetPort").asText()).isEqualTo("https"));

        ObjectNode policy = Kustomization.one(base, "NetworkPolicy", "fleetwarden");
        assertThat(policy.at("/spec/podSelector/matchLabels")).isEqualTo(deployment.at("/spec/selector/matchLabels"));
        assertThat(stream(policy.at("/spec/policyTypes")).map(JsonNode::asText)).containsExactlyInAnyOrder("Ingress", "Egress");
        List<Integer> ingressPorts = ports(policy.at("/spec/ingress"));
        assertThat(ingressPorts).containsExactly(container.at("/ports/0/containerPort").asInt());
        assertThat(stream(policy.at("/spec/ingress")).allMatch(r -> !r.has("from")))
                .as("the API server's source address is not selectable: ingress from anywhere, on 8443 only").isTrue();
        assertThat(ports(policy.at("/spec/egress"))).containsExactlyInAnyOrder(53, 53, 443, 6443);
    }

    @Test
    void theKustomizeSubsetRefusesWhatItDoesNotRender() throws Exception {
        Path dir = Files.createTempDirectory("kustomization");
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: []\nimages:\n  - name: x\n");
        assertThatThrownBy(() -> Kustomization.render(dir)).hasMessageContaining("field images is not rendered");
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: [\"../nowhere.yaml\"]\n");
        assertThatThrownBy(() -> Kustomization.render(dir)).hasMessageContaining("resource ../nowhere.yaml does not exist");
    }

    static Path overlay(String name) {
        return Manifests.DEPLOY.resolve("overlays").resolve(name);
    }

    private JsonNode mount(String path) {
        return stream(container.path("volumeMounts")).filter(m -> m.path("mountPath").asText().equals(path)).findFirst()
                .orElse(null);
    }

    private JsonNode volume(String name) {
        return stream(pod.path("volumes")).filter(v -> v.path("name").asText().equals(name)).findFirst().orElseThrow();
    }

    private String env(String name) {
        return stream(container.path("env")).filter(e -> e.path("name").asText().equals(name)).findFirst()
                .map(e -> e.path("value").asText()).orElse(null);
    }

    private static List<Integer> ports(JsonNode rules) {
        List<Integer> ports = new ArrayList<>();
        rules.forEach(r -> r.path("ports").forEach(p -> ports.add(p.path("port").asInt())));
        return ports;
    }

    static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }
}
