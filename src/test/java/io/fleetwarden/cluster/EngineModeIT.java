package io.fleetwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.reconcile.FluxKinds;
import io.fleetwarden.testing.RegistryPki;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.cluster.Components;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.CustomResourceDefinitions;
import io.fleetwarden.testing.cluster.GateOnCluster;
import io.fleetwarden.testing.cluster.Kubectl;
import io.fleetwarden.testing.cluster.TestNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged service in engine mode (FLEETWARDEN_MODE=engine as deploy/overlays/engine sets it), running as
 * deploy/'s service account with exactly deploy/base's and the engine overlay's RBAC, on a control plane of its
 * own: an OCIRepository admitted by its webhook is reconciled by its reconciler, a Kustomization applied as the
 * service account it names, with Flux's status that kubectl shows through Flux's printer columns; and a
 * Kustomization naming no service account is refused by the API server, because fleetwarden itself may apply
 * nothing.
 */
class EngineModeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(90);

    static ControlPlane plane;
    static GateOnCluster engine;
    static KubernetesClient admin;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createDirectories(Components.repositoryRoot().resolve("target/control-plane"))
                .resolve("engine-mode-" + ProcessHandle.current().pid());
        plane = ControlPlane.start(Components.locate(), dir);
        CustomResourceDefinitions.installAll(plane);
        engine = GateOnCluster.startEngine(plane, Components.repositoryRoot().resolve("target/quarkus-app"));
        admin = plane.adminClient();
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (engine != null) {
            engine.cluster().close();
        }
        if (plane != null) {
            plane.close();
        }
    }

    @Test
    void anAdmittedSourceIsDeliveredAsTheNamedServiceAccountWithFluxsStatus() {
        String ns = TestNamespaces.create(admin, "engine");
        deployer(ns);
        String repo = engine.repository("engine");
        Digest digest = engine.publishSigned(repo, "latest");
        admin.resource(engine.ociRepository(ns, "app", repo, "latest")).create();
        admin.resource(kustomization(ns, "app", "serviceAccountName: deployer")).create();

        JsonNode ks = await().atMost(WAIT).until(() -> get(ns, "app"), o -> ready(o).equals("True"));
        assertThat(ks.at("/status/lastAppliedRevision").asText()).isEqualTo("latest@" + digest);
        ConfigMap applied = admin.configMaps().inNamespace(ns).withName(repo.replace('/', '-')).get();
        assertThat(applied).as("the artifact's ConfigMap").isNotNull();
        assertThat(applied.getMetadata().getManagedFields()).anySatisfy(f -> assertThat(f.getManager())
                .isEqualTo(FluxKinds.FIELD_MANAGER));

        // Flux's own printer columns read our status.
        Kubectl kubectl = new Kubectl(Components.locate().kubectl(), kubeconfig());
        Kubectl.Result shown = kubectl.run("get", "kustomizations.kustomize.toolkit.fluxcd.io", "-n", ns, "app");
        assertThat(shown.exit()).isZero();
        assertThat(shown.output()).contains("True").contains("Applied revision: latest@" + digest);
        // The source's status too, written with exactly the engine overlay's RBAC (patch on the status, no get).
        JsonNode source = await().atMost(WAIT).until(() -> JSON.valueToTree(admin.genericKubernetesResources(
                FluxKinds.OCI_REPOSITORY).inNamespace(ns).withName("app").get()), o -> ready(o).equals("True"));
        assertThat(source.at("/status/artifact/revision").asText()).isEqualTo("latest@" + digest);
        Kubectl.Result sourceShown = kubectl.run("get", "ocirepositories.source.toolkit.fluxcd.io", "-n", ns, "app");
        assertThat(sourceShown.output()).contains("True").contains("stored artifact for digest 'latest@" + digest + "'");
        Kubectl.Result events = kubectl.run("get", "events", "-n", ns, "--field-selector",
                "involvedObject.kind=Kustomization,involvedObject.name=app");
        assertThat(events.output()).contains("ConfigMap/" + ns + "/" + repo.replace('/', '-') + " created");

        // Flux's reconcile metrics under Flux's names, so that its dashboards and alerts read engine mode.
        String metrics = engine.cluster().webhookClient().get("/q/metrics").body();
        assertThat(metrics).containsPattern("gotk_reconcile_duration_seconds_count\\{kind=\"Kustomization\",name=\"app\","
                + "namespace=\"" + ns + "\",?} [1-9]")
                .containsPattern("gotk_reconcile_duration_seconds_count\\{kind=\"OCIRepository\",name=\"app\","
                        + "namespace=\"" + ns + "\",?} [1-9]")
                .containsPattern("controller_runtime_reconcile_total\\{controller=\"kustomization\","
                        + "result=\"requeue_after\",?} [1-9]");
    }

    @Test
    void aKustomizationNamingNoServiceAccountIsAppliedAsFleetwardenWhichMayApplyNothing() {
        String ns = TestNamespaces.create(admin, "engine-nosa");
        String repo = engine.repository("nosa");
        engine.publishSigned(repo, "latest");
        admin.resource(engine.ociRepository(ns, "app", repo, "latest")).create();
        admin.resource(kustomization(ns, "app", "")).create();
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode ks = get(ns, "app");
            assertThat(ready(ks)).isEqualTo("False");
            assertThat(condition(ks, "Ready").path("message").asText()).contains("apply failed, nothing pruned")
                    .contains("forbidden");
        });
        assertThat(admin.configMaps().inNamespace(ns).withName(repo.replace('/', '-')).get()).isNull();
    }

    /**
     * A registry behind a company's CA that also asks for a client certificate: the webhook and the reconciler
     * both reach it with the source's certSecretRef, read with exactly deploy/'s RBAC; without one, nothing is
     * admitted.
     */
    @Test
    void aSourceBehindAPrivateCaIsVerifiedAndDeliveredWithItsCertSecretRef() {
        RegistryPki registryCa = RegistryPki.create("acme registry CA");
        RegistryPki clientCa = RegistryPki.create("acme client CA");
        RegistryPki.Issued serving = registryCa.server(java.util.List.of("127.0.0.1"));
        try (TestRegistry mirror = TestRegistry.tlsMirrorOf(engine.artifacts().registry(),
                RegistryPki.write(serving.certificatePem(), ".crt"), RegistryPki.write(serving.pkcs8KeyPem(), ".key"),
                RegistryPki.write(clientCa.certificatePem(), ".crt"))) {
            engine.applyPolicy(GateOnCluster.stagingPolicy("fleet-apps-private-ca", mirror.host()));
            String ns = TestNamespaces.create(admin, "engine-tls");
            deployer(ns);
            String repo = engine.repository("tls");
            Digest digest = engine.publishSigned(repo, "latest");
            GenericKubernetesResource source = engine.ociRepository(ns, "app", repo, "latest");
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> spec = (java.util.Map<String, Object>) source.getAdditionalProperties().get("spec");
            spec.put("url", "oci://" + mirror.host() + "/" + repo);

            // Without TLS material the webhook cannot reach the registry, and says so.
            assertThatThrownBy(() -> admin.resource(source).create()).hasMessageContaining("could not verify oci://"
                    + mirror.host() + "/" + repo);

            RegistryPki.Issued client = clientCa.client("fleetwarden", "EC");
            admin.secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                    .withNewMetadata().withName("registry-tls").endMetadata().withType("Opaque")
                    .addToStringData("tls.crt", client.certificatePem()).addToStringData("tls.key", client.pkcs8KeyPem())
                    .addToStringData("ca.crt", registryCa.certificatePem()).build()).create();
            spec.put("certSecretRef", java.util.Map.of("name", "registry-tls"));
            admin.resource(source).create();
            admin.resource(kustomization(ns, "app", "serviceAccountName: deployer")).create();

            JsonNode ks = await().atMost(WAIT).until(() -> get(ns, "app"), o -> ready(o).equals("True"));
            assertThat(ks.at("/status/lastAppliedRevision").asText()).isEqualTo("latest@" + digest);
            assertThat(admin.configMaps().inNamespace(ns).withName(repo.replace('/', '-')).get()).isNotNull();

            // The key is dropped from the Secret: the next reconcile fails as source-controller's would, naming the
            // Secret, and what was delivered stays.
            admin.secrets().inNamespace(ns).withName("registry-tls").edit(secret -> {
                secret.getData().remove("tls.key");
                return secret;
            });
            admin.genericKubernetesResources(FluxKinds.OCI_REPOSITORY).inNamespace(ns).withName("app").edit(o -> {
                o.getMetadata().setAnnotations(java.util.Map.of("reconcile.fluxcd.io/requestedAt", "cert-secret-broken"));
                return o;
            });
            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode broken = JSON.valueToTree(admin.genericKubernetesResources(FluxKinds.OCI_REPOSITORY)
                        .inNamespace(ns).withName("app").get());
                assertThat(condition(broken, "Ready").path("reason").asText()).isEqualTo("AuthenticationFailed");
                assertThat(condition(broken, "Ready").path("message").asText())
                        .contains("cert secret " + ns + "/registry-tls has tls.crt but no tls.key");
            });
            assertThat(admin.configMaps().inNamespace(ns).withName(repo.replace('/', '-')).get()).isNotNull();
        }
    }

    private static Path kubeconfig() {
        try {
            return Files.writeString(plane.dir().resolve("admin-for-kubectl.kubeconfig"), plane.adminKubeconfig());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A service account that may manage ConfigMaps in its namespace, and nothing else. */
    private static void deployer(String ns) {
        admin.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("deployer").endMetadata().build()).create();
        admin.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName("deployer")
                .endMetadata().addNewRule().withApiGroups("").withResources("configmaps").withVerbs("get", "list",
                        "watch", "create", "patch", "update", "delete").endRule().build()).create();
        admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("deployer").endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role").withName("deployer").endRoleRef().addNewSubject().withKind("ServiceAccount")
                .withName("deployer").withNamespace(ns).endSubject().build()).create();
    }

    private static GenericKubernetesResource kustomization(String ns, String name, String extra) {
        return Serialization.unmarshal("""
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: %s, namespace: %s}
                spec:
                  interval: 10m
                  retryInterval: 2s
                  targetNamespace: %s
                  sourceRef: {kind: OCIRepository, name: app}
                  path: ./
                  prune: true
                  %s
                """.formatted(name, ns, ns, extra), GenericKubernetesResource.class);
    }

    private static JsonNode get(String ns, String name) {
        return JSON.valueToTree(admin.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(ns)
                .withName(name).get());
    }

    private static JsonNode condition(JsonNode o, String type) {
        for (JsonNode c : o.at("/status/conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c;
            }
        }
        return JSON.createObjectNode();
    }

    private static String ready(JsonNode o) {
        return condition(o, "Ready").path("status").asText("");
    }
}
