package io.fleetwarden.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.CustomResourceDefinitions;
import io.fleetwarden.testing.cluster.EngineOnCluster;
import io.fleetwarden.testing.cluster.FleetOnCluster;
import io.fleetwarden.testing.cluster.TestNamespaces;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Engine mode on the real control plane and the real registry, artifacts signed by the local Sigstore: what the
 * reconciler delivers, as whom, with which status, and what it refuses to do.
 */
class EngineOnClusterTest {

    private static final Duration WAIT = FleetOnCluster.WAIT;

    static ControlPlane plane;
    static SignedArtifacts artifacts;
    static EngineOnCluster engine;
    static KubernetesClient client;
    static FleetOnCluster fleet;
    static KubernetesClient admin;

    @BeforeAll
    static void start() {
        plane = ControlPlane.shared();
        CustomResourceDefinitions.installFluxKinds(plane, "helm-controller.yaml", Set.of("HelmRelease"));
        CustomResourceDefinitions.installFluxInstance(plane);
        artifacts = SignedArtifacts.onSharedRegistry();
        admin = plane.adminClient();
        fleet = new FleetOnCluster(admin, artifacts);
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
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    void d2sFrontendStagingIsDeliveredAsTheTenantWithFluxsStatus() {
        String ns = fleet.tenant("frontend");
        String repo = fleet.repository("frontend", ns);
        Digest digest = fleet.publish(repo, "latest", d2Component("d2-apps/components/frontend"), SigningRequest.github());
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("flux-runtime-info")
                .endMetadata().withData(Map.of("CLUSTER_DOMAIN", "staging.example.com")).build()).create();
        fleet.create(fleet.source(ns, "apps", repo, "latest", Map.of()));
        fleet.create(kustomization(ns, "apps", "apps", "./staging", false, ns,
                "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: flux-runtime-info\n"));

        JsonNode ks = fleet.awaitReady(ns, FluxKinds.KUSTOMIZATION, "apps");
        String revision = "latest@" + digest;
        assertThat(ks.at("/status/conditions").toString()).contains("\"reason\":\"ReconciliationSucceeded\"")
                .contains("Applied revision: " + revision);
        assertThat(ks.at("/status/lastAppliedRevision").asText()).isEqualTo(revision);
        assertThat(ks.at("/status/lastAttemptedRevision").asText()).isEqualTo(revision);
        assertThat(FleetOnCluster.inventoryIds(ks)).containsExactlyInAnyOrder(
                ns + "_podinfo_helm.toolkit.fluxcd.io_HelmRelease",
                ns + "_podinfo-chart_source.toolkit.fluxcd.io_OCIRepository");
        assertThat(ks.at("/metadata/finalizers").toString()).contains(FluxKinds.FINALIZER);

        JsonNode oci = fleet.get(ns, FluxKinds.OCI_REPOSITORY, "apps");
        assertThat(oci.at("/status/artifact/revision").asText()).isEqualTo(revision);
        assertThat(FleetOnCluster.condition(oci, "SourceVerified").path("status").asText()).isEqualTo("True");
        assertThat(FleetOnCluster.condition(oci, "SourceVerified").path("message").asText())
                .isEqualTo("verified signature of revision " + revision);

        // The staging patch and the cluster's runtime info, as kustomize-controller applies them.
        GenericKubernetesResource release = client.genericKubernetesResources("helm.toolkit.fluxcd.io/v2", "HelmRelease")
                .inNamespace(ns).withName("podinfo").get();
        JsonNode hr = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(release);
        assertThat(hr.at("/spec/values/replicaCount").asInt()).isEqualTo(1);
        assertThat(hr.at("/spec/values/ingress/hosts/0/host").asText()).isEqualTo("podinfo.staging.example.com");
        assertThat(hr.at("/metadata/labels/kustomize.toolkit.fluxcd.io~1name").asText()).isEqualTo("apps");
        assertThat(release.getMetadata().getManagedFields()).anySatisfy(f -> {
            assertThat(f.getManager()).isEqualTo("kustomize-controller");
            assertThat(f.getOperation()).isEqualTo("Apply");
        });

        // The chart source the overlay created is reconciled too, and no policy covers it: never pulled.
        await().atMost(WAIT).untilAsserted(() -> assertThat(FleetOnCluster.condition(fleet.get(ns, FluxKinds.OCI_REPOSITORY,
                "podinfo-chart"), "Ready").path("reason").asText()).isEqualTo("VerificationError"));
        assertThat(engine.held().get(new io.fleetwarden.reconcile.runtime.ObjectKey(ns, "podinfo-chart"))).isEmpty();
    }

    /**
     * D2's other staging overlays, delivered by the engine: the inventory lists exactly the objects the real
     * kustomize renders for them, and every field kustomize renders is what the API server holds.
     */
    @ParameterizedTest
    @ValueSource(strings = {"d2-apps/components/backend", "d2-infra/components/cert-manager/controllers",
            "d2-infra/components/monitoring/controllers"})
    void d2sStagingOverlaysAreAppliedAsKustomizeRendersThem(String component) throws Exception {
        String ns = fleet.tenant("d2");
        String repo = fleet.repository(component.substring(component.indexOf("components/") + 11).replace('/', '-'), ns);
        Digest digest = fleet.publish(repo, "latest", d2Component(component), SigningRequest.github());
        fleet.create(fleet.source(ns, "source", repo, "latest", Map.of()));
        fleet.create(kustomization(ns, "app", "source", "./staging", false, ns, ""));
        JsonNode ks = fleet.awaitApplied(ns, "app", "latest@" + digest);

        List<JsonNode> rendered = kustomizeBuild(Path.of("..", "shared", "fixtures", "d2", component, "staging"));
        assertThat(rendered).isNotEmpty();
        List<String> expected = new java.util.ArrayList<>();
        for (JsonNode o : rendered) {
            String apiVersion = o.path("apiVersion").asText();
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            expected.add(ns + "_" + o.at("/metadata/name").asText() + "_" + group + "_" + o.path("kind").asText());
            GenericKubernetesResource live = client.genericKubernetesResources(apiVersion, o.path("kind").asText())
                    .inNamespace(ns).withName(o.at("/metadata/name").asText()).get();
            assertThat(live).as(o.path("kind").asText() + " " + o.at("/metadata/name").asText()).isNotNull();
            assertSubset(o.path("spec"), new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(live).path("spec"),
                    o.path("kind").asText() + "/" + o.at("/metadata/name").asText() + ".spec");
        }
        assertThat(FleetOnCluster.inventoryIds(ks)).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static List<JsonNode> kustomizeBuild(Path dir) throws Exception {
        Process p = new ProcessBuilder(io.fleetwarden.testing.Peers.kustomize().toString(), "build",
                dir.toAbsolutePath().toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        List<JsonNode> docs = new java.util.ArrayList<>();
        try (var it = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readerFor(JsonNode.class).<JsonNode>readValues(out)) {
            it.forEachRemaining(d -> {
                if (d != null && !d.isNull() && !d.isEmpty()) {
                    docs.add(d);
                }
            });
        }
        return docs;
    }

    /** Every field of {@code expected} is in {@code actual} with the same value (the API server may add defaults). */
    private static void assertSubset(JsonNode expected, JsonNode actual, String path) {
        if (expected.isObject()) {
            expected.fields().forEachRemaining(f -> assertSubset(f.getValue(), actual.path(f.getKey()),
                    path + "." + f.getKey()));
        } else if (expected.isArray()) {
            assertThat(actual.size()).as(path).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertSubset(expected.get(i), actual.get(i), path + "[" + i + "]");
            }
        } else if (expected.isNumber() && actual.isNumber()) {
            assertThat(actual.decimalValue()).as(path).isEqualByComparingTo(expected.decimalValue());
        } else {
            assertThat(actual.asText(null)).as(path).isEqualTo(expected.asText(null));
        }
    }

    @Test
    void aMovedTagIsAppliedAndPrunedThenRolledBackAndAWrongWorkflowIsNeverApplied() {
        String ns = fleet.tenant("rollback");
        String repo = fleet.repository("rollback", ns);
        Digest v1 = fleet.publish(repo, "latest", Map.of("kustomization.yaml", "resources: [a.yaml, b.yaml]\n",
                "a.yaml", FleetOnCluster.configMap("a", "one"), "b.yaml", FleetOnCluster.configMap("b", "one")), SigningRequest.github());
        fleet.create(fleet.source(ns, "source", repo, "latest", Map.of()));
        fleet.create(kustomization(ns, "app", "source", "./", true, ns, ""));
        assertThat(fleet.awaitApplied(ns, "app", "latest@" + v1)).isNotNull();
        assertThat(fleet.data(ns, "a")).isEqualTo("one");
        assertThat(fleet.data(ns, "b")).isEqualTo("one");

        // A hand edit of a field we own is put back within an interval.
        client.configMaps().inNamespace(ns).withName("a").edit(cm -> {
            cm.getData().put("value", "edited by hand");
            return cm;
        });
        await().atMost(WAIT).until(() -> "one".equals(fleet.data(ns, "a")));

        // The tag moves to a build without b: applied, and b pruned.
        Digest v2 = fleet.publish(repo, "latest", Map.of("kustomization.yaml", "resources: [a.yaml]\n",
                "a.yaml", FleetOnCluster.configMap("a", "two")), SigningRequest.github());
        fleet.awaitApplied(ns, "app", "latest@" + v2);
        await().atMost(WAIT).until(() -> client.configMaps().inNamespace(ns).withName("b").get() == null);
        assertThat(fleet.data(ns, "a")).isEqualTo("two");

        // Rollback: the tag moves back to the first release, verified again, b comes back.
        artifacts.publisher().tag(repo, v1, "latest");
        JsonNode ks = fleet.awaitApplied(ns, "app", "latest@" + v1);
        assertThat(fleet.data(ns, "b")).isEqualTo("one");
        assertThat(FleetOnCluster.inventoryIds(ks)).containsExactlyInAnyOrder(ns + "_a__ConfigMap", ns + "_b__ConfigMap");

        // Signed by another workflow: refused before it is pulled; nothing is applied, nothing pruned.
        Digest wrong = fleet.publish(repo, "latest", Map.of("kustomization.yaml", "resources: []\n"),
                SigningRequest.keyless(Identity.github().workflowFile("other.yaml").build()).build());
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode ready = FleetOnCluster.condition(fleet.get(ns, FluxKinds.OCI_REPOSITORY, "source"), "Ready");
            assertThat(ready.path("reason").asText()).isEqualTo("VerificationError");
        });
        assertThat(fleet.get(ns, FluxKinds.OCI_REPOSITORY, "source").at("/status/artifact/revision").asText())
                .as("the verified artifact stays in use").isEqualTo("latest@" + v1);
        assertThat(fleet.get(ns, FluxKinds.KUSTOMIZATION, "app").at("/status/lastAppliedRevision").asText())
                .isEqualTo("latest@" + v1);
        assertThat(fleet.data(ns, "a")).isEqualTo("one");
        assertThat(fleet.data(ns, "b")).isEqualTo("one");
        assertThat(wrong).isNotEqualTo(v1);

        // Deleting the Kustomization garbage-collects what it applied (prune: true, deletionPolicy MirrorPrune),
        // then Flux's finalizer is removed and the object goes.
        client.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(ns).withName("app").delete();
        await().atMost(WAIT).until(() -> client.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(ns)
                .withName("app").get() == null);
        assertThat(fleet.data(ns, "a")).isNull();
        assertThat(fleet.data(ns, "b")).isNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aKustomizationDeletedWithASpecItCannotReadLeavesItsObjectsAndIsNotHeldByItsFinalizer() {
        String ns = fleet.tenant("unreadable");
        String repo = fleet.repository("unreadable", ns);
        Digest digest = fleet.publish(repo, "latest", Map.of("kustomization.yaml", "resources: [a.yaml]\n",
                "a.yaml", FleetOnCluster.configMap("a", "kept")), SigningRequest.github());
        fleet.create(fleet.source(ns, "source", repo, "latest", Map.of()));
        fleet.create(kustomization(ns, "app", "source", "./", false, ns, ""));
        fleet.awaitApplied(ns, "app", "latest@" + digest);
        // The API server accepts this path; the engine does not (it leaves the artifact).
        client.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(ns).withName("app").edit(k -> {
            ((Map<String, Object>) k.getAdditionalProperties().get("spec")).put("path", "../../etc");
            return k;
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(FleetOnCluster.condition(fleet.get(ns,
                FluxKinds.KUSTOMIZATION, "app"), "Stalled").path("message").asText()).contains("leaves the artifact"));
        client.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(ns).withName("app").delete();
        await().atMost(WAIT).until(() -> client.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(ns)
                .withName("app").get() == null);
        assertThat(fleet.data(ns, "a")).as("orphaned, not deleted with a guessed identity").isEqualTo("kept");
    }

    @Test
    void aTenantOverlayReachingOutOfItsNamespaceIsRefusedBeforeAnythingIsApplied() {
        String ns = fleet.tenant("escape");
        String other = TestNamespaces.create(client, "victim");
        String repo = fleet.repository("escape", ns);
        fleet.publish(repo, "latest", Map.of("kustomization.yaml", "resources: [ok.yaml, crb.yaml, other.yaml]\n",
                "ok.yaml", FleetOnCluster.configMap("ok", "x"),
                "crb.yaml", """
                        apiVersion: rbac.authorization.k8s.io/v1
                        kind: ClusterRoleBinding
                        metadata: {name: %s-admin}
                        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                        subjects: [{kind: ServiceAccount, name: flux, namespace: %s}]
                        """.formatted(ns, ns),
                "other.yaml", FleetOnCluster.configMap("planted", "x").replace("metadata:\n", "metadata:\n  namespace: " + other + "\n")),
                SigningRequest.github());
        fleet.create(fleet.source(ns, "source", repo, "latest", Map.of()));
        // No targetNamespace: kustomize would otherwise move the planted object into the tenant's namespace.
        fleet.create(kustomization(ns, "app", "source", "./", true, null, ""));
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode ready = FleetOnCluster.condition(fleet.get(ns, FluxKinds.KUSTOMIZATION, "app"), "Ready");
            assertThat(ready.path("reason").asText()).isEqualTo("AccessDenied");
            assertThat(ready.path("message").asText()).contains("ClusterRoleBinding").contains(other)
                    .contains("nothing applied");
        });
        assertThat(client.configMaps().inNamespace(ns).withName("ok").get()).isNull();
        assertThat(client.configMaps().inNamespace(other).withName("planted").get()).isNull();
        assertThat(client.rbac().clusterRoleBindings().withName(ns + "-admin").get()).isNull();
    }

    /**
     * Fields of Flux's Kustomization that engine mode does not implement (here transformer annotations) stall it,
     * naming each field; ignoring them would apply objects without the annotations asked for. Nothing is applied.
     */
    @Test
    void fieldsTheEngineDoesNotImplementStallTheKustomizationNamingEachAndNothingIsApplied() {
        String ns = fleet.tenant("unsupported");
        String repo = fleet.repository("unsupported", ns);
        fleet.publish(repo, "latest", Map.of("kustomization.yaml", "resources: [a.yaml]\n",
                "a.yaml", FleetOnCluster.configMap("a", "x")), SigningRequest.github());
        fleet.create(fleet.source(ns, "source", repo, "latest", Map.of()));
        fleet.create(kustomization(ns, "app", "source", "./", false, ns, """
                  buildMetadata: [transformerAnnotations]
                """));
        JsonNode stalled = await().atMost(WAIT).until(() -> fleet.get(ns, FluxKinds.KUSTOMIZATION, "app"),
                o -> "True".equals(FleetOnCluster.condition(o, "Stalled").path("status").asText()));
        JsonNode ready = FleetOnCluster.condition(stalled, "Ready");
        assertThat(ready.path("reason").asText()).isEqualTo("ReconciliationFailed");
        assertThat(ready.path("message").asText())
                .startsWith("spec.buildMetadata: 'transformerAnnotations' is not supported in engine mode")
                .endsWith("nothing is applied or pruned until the field is removed or this Kustomization is left to "
                        + "kustomize-controller");
        assertThat(client.configMaps().inNamespace(ns).withName("a").get()).isNull();
        assertThat(FleetOnCluster.inventoryIds(stalled)).isEmpty();
    }

    /**
     * SOPS, as in Flux's guide: a Secret manifest encrypted with {@code --encrypted-regex '^(data|stringData)$'}, a
     * secret generator over an encrypted dotenv file and an encrypted binary file, the age key in a Secret of the
     * tenant's namespace. Everything is applied decrypted, and the generated Secrets have the names a build of the
     * plaintext gives (the sources are decrypted before the build, as kustomize-controller does). A Kustomization
     * whose Secret holds another key applies nothing and says why, without a value in the message.
     */
    @Test
    void sopsEncryptedSecretsAreAppliedDecryptedAndAWrongKeyAppliesNothing() throws IOException {
        Map<String, String> plain = new LinkedHashMap<>();
        plain.put("kustomization.yaml", """
                resources: [db.yaml, cm.yaml]
                secretGenerator:
                  - name: app-env
                    envs: [app.env]
                  - name: token
                    files: [token=token.bin]
                """);
        plain.put("db.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n"
                + "  password: hunter2-sops\n");
        plain.put("cm.yaml", FleetOnCluster.configMap("a", "x"));
        plain.put("app.env", "DB_USER=orders\nDB_PASS=s3cret-dotenv\n");
        plain.put("token.bin", "tok-123-binary\n");
        try (io.fleetwarden.testing.SopsOracle sops = new io.fleetwarden.testing.SopsOracle()) {
            io.fleetwarden.testing.SopsOracle.Keys keys = sops.keygen();
            io.fleetwarden.testing.SopsOracle.Keys stranger = sops.keygen();
            Map<String, String> files = new LinkedHashMap<>(plain);
            files.put("db.yaml", sops.encrypt("yaml", plain.get("db.yaml"), List.of(keys.recipient()),
                    io.fleetwarden.testing.SopsOracle.Rules.encryptedRegex("^(data|stringData)$")));
            files.put("app.env", sops.encrypt("dotenv", plain.get("app.env"), List.of(keys.recipient()),
                    io.fleetwarden.testing.SopsOracle.Rules.defaults()));
            files.put("token.bin", sops.encrypt("binary", plain.get("token.bin"), List.of(keys.recipient()),
                    io.fleetwarden.testing.SopsOracle.Rules.defaults()));
            assertThat(files.get("db.yaml")).doesNotContain("hunter2");

            String ns = fleet.tenant("sops");
            String repo = fleet.repository("sops", ns);
            Digest digest = fleet.publish(repo, "latest", files, SigningRequest.github());
            ageSecret(ns, keys.identity());
            fleet.create(fleet.source(ns, "source", repo, "latest", Map.of()));
            fleet.create(kustomization(ns, "app", "source", "./", false, ns,
                    "  decryption: {provider: sops, secretRef: {name: sops-age}}\n"));
            fleet.awaitApplied(ns, "app", "latest@" + digest);

            Map<String, String> expected = new LinkedHashMap<>();
            for (var o : io.fleetwarden.render.FluxOverlay.NONE.build(io.fleetwarden.render.SourceTree.of(
                    bytes(plain)), "", io.fleetwarden.render.Limits.DEFAULT)) {
                expected.put(o.path("metadata").path("name").asText(), o.path("kind").asText());
            }
            String envName = expected.keySet().stream().filter(n -> n.startsWith("app-env-")).findFirst().orElseThrow();
            String tokenName = expected.keySet().stream().filter(n -> n.startsWith("token-")).findFirst().orElseThrow();
            assertThat(decoded(ns, "db", "password")).isEqualTo("hunter2-sops");
            assertThat(decoded(ns, envName, "DB_PASS")).isEqualTo("s3cret-dotenv");
            assertThat(decoded(ns, tokenName, "token")).isEqualTo("tok-123-binary\n");

            String other = fleet.tenant("sops-wrong");
            String otherRepo = fleet.repository("sops", other);
            fleet.publish(otherRepo, "latest", files, SigningRequest.github());
            ageSecret(other, stranger.identity());
            fleet.create(fleet.source(other, "source", otherRepo, "latest", Map.of()));
            fleet.create(kustomization(other, "app", "source", "./", false, other,
                    "  decryption: {provider: sops, secretRef: {name: sops-age}}\n"));
            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode ready = FleetOnCluster.condition(fleet.get(other, FluxKinds.KUSTOMIZATION, "app"), "Ready");
                assertThat(ready.path("reason").asText()).isEqualTo("BuildFailed");
                assertThat(ready.path("message").asText()).contains("cannot get the sops data key: no key "
                        + "of sops decryption Secret '" + other + "/sops-age' decrypts it")
                        .doesNotContain("s3cret").doesNotContain("hunter2").doesNotContain("AGE-SECRET-KEY");
            });
            assertThat(client.configMaps().inNamespace(other).withName("a").get()).isNull();
            assertThat(client.secrets().inNamespace(other).list().getItems()).extracting(x -> x.getMetadata().getName())
                    .containsExactly("sops-age");
        }
    }

    private static void ageSecret(String ns, String identity) {
        client.secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName("sops-age").endMetadata()
                .addToStringData("age.agekey", "# the tenant's key\n" + identity + "\n").build()).create();
    }

    private static String decoded(String ns, String secret, String key) {
        var s = client.secrets().inNamespace(ns).withName(secret).get();
        assertThat(s).as("Secret %s/%s", ns, secret).isNotNull();
        return new String(java.util.Base64.getDecoder().decode(s.getData().get(key)),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Map<String, byte[]> bytes(Map<String, String> files) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        files.forEach((k, v) -> out.put(k, v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return out;
    }

    /**
     * A Kustomization that gains {@code spec.kubeConfig} (or arrives from kustomize-controller with one) lists objects
     * of another cluster in its inventory: it is Stalled, and deleting it deletes nothing here, though this cluster
     * holds objects of the same names.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aKustomizationForAnotherClusterNeverDeletesThisClustersObjects() {
        String ns = fleet.tenant("remote");
        String repo = fleet.repository("remote", ns);
        Digest digest = fleet.publish(repo, "latest", Map.of("kustomization.yaml", "resources: [a.yaml]\n",
                "a.yaml", FleetOnCluster.configMap("a", "here")), SigningRequest.github());
        fleet.create(fleet.source(ns, "source", repo, "latest", Map.of()));
        fleet.create(kustomization(ns, "app", "source", "./", false, ns, ""));
        fleet.awaitApplied(ns, "app", "latest@" + digest);
        client.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(ns).withName("app").edit(k -> {
            ((Map<String, Object>) k.getAdditionalProperties().get("spec")).put("kubeConfig",
                    Map.of("secretRef", Map.of("name", "remote-kubeconfig")));
            return k;
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(FleetOnCluster.condition(fleet.get(ns,
                FluxKinds.KUSTOMIZATION, "app"), "Stalled").path("message").asText())
                .startsWith("spec.kubeConfig: applying to another cluster is not supported in engine mode"));
        client.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(ns).withName("app").delete();
        await().atMost(WAIT).until(() -> client.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(ns)
                .withName("app").get() == null);
        assertThat(fleet.data(ns, "a")).as("not deleted by another cluster's inventory").isEqualTo("here");
        assertThat(client.v1().events().inNamespace(ns).list().getItems()).anySatisfy(e -> assertThat(e.getMessage())
                .startsWith("deleted with spec.kubeConfig: its objects are in another cluster"));
    }

    /**
     * A Kustomization's {@code spec.ignore}, as kustomize-controller applies it: an HPA-style change through the
     * {@code scale} subresource is kept (we apply the live replicas), a field another server-side-apply manager took
     * over is left out of our apply (it stays theirs), and every other hand edit of the same objects is still put back.
     */
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
        // Merge patches without a resourceVersion: the controller manager updates the scaled Deployment meanwhile.
        client.apps().deployments().inNamespace(ns).withName("web").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\"owner\":\"edited by hand\"}}}");
        client.configMaps().inNamespace(ns).withName("tuning").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"data\":{\"mode\":\"fast\"}}");

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

    /** A Git source is valid for Flux but not served by the engine: Stalled, saying so, nothing applied or pruned. */
    @Test
    void aKustomizationOfASourceKindTheEngineDoesNotServeIsStalledSayingSo() {
        String ns = fleet.tenant("gitsource");
        GenericKubernetesResource ks = kustomization(ns, "app", "fleet", "./", false, ns, "");
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) ks.getAdditionalProperties().get("spec");
        spec.put("sourceRef", Map.of("kind", "GitRepository", "name", "fleet"));
        fleet.create(ks);
        JsonNode stalled = await().atMost(WAIT).until(() -> fleet.get(ns, FluxKinds.KUSTOMIZATION, "app"),
                o -> "True".equals(FleetOnCluster.condition(o, "Stalled").path("status").asText()));
        assertThat(FleetOnCluster.condition(stalled, "Ready").path("reason").asText()).isEqualTo("ArtifactFailed");
        assertThat(FleetOnCluster.condition(stalled, "Ready").path("message").asText())
                .isEqualTo("source kind 'GitRepository' is not reconciled in engine mode (OCIRepository only)");
        assertThat(FleetOnCluster.inventoryIds(stalled)).isEmpty();
    }

    /**
     * A FluxInstance the CRD's schema admits but that cannot be reconciled (its schedule is not a duration) is
     * Stalled, saying why; nothing is applied.
     */
    @Test
    void aFluxInstanceThatCannotBeReconciledIsStalledSayingWhy() {
        String ns = TestNamespaces.create(client, "badsync");
        fleet.create(io.fabric8.kubernetes.client.utils.Serialization.unmarshal("""
                apiVersion: fluxcd.controlplane.io/v1
                kind: FluxInstance
                metadata:
                  name: flux
                  namespace: %s
                  annotations: {fluxcd.controlplane.io/reconcileEvery: soon}
                spec:
                  distribution: {version: "2.x", registry: ghcr.io/fluxcd}
                  sync: {kind: OCIRepository, url: "oci://example.com/fleet", ref: latest, path: ./clusters/a}
                """.formatted(ns), GenericKubernetesResource.class));
        JsonNode stalled = await().atMost(WAIT).until(() -> fleet.get(ns, FluxKinds.FLUX_INSTANCE, "flux"),
                o -> "True".equals(FleetOnCluster.condition(o, "Stalled").path("status").asText()));
        JsonNode ready = FleetOnCluster.condition(stalled, "Ready");
        assertThat(ready.path("status").asText()).isEqualTo("False");
        assertThat(ready.path("reason").asText()).isEqualTo("BuildFailed");
        assertThat(ready.path("message").asText()).isEqualTo("build failed: annotation "
                + "fluxcd.controlplane.io/reconcileEvery: \"soon\" is not a duration like 30s, 10m or 1h");
        assertThat(client.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(ns).list().getItems()).isEmpty();
    }

    private static Map<String, String> d2Component(String dir) {
        Path root = Path.of("..", "shared", "fixtures", "d2").resolve(dir);
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString().replace('\\', '/'), Files.readString(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static GenericKubernetesResource kustomization(String ns, String name, String source, String path,
            boolean wait, String target, String extraSpec) {
        return fleet.kustomization(ns, name, source, path, wait, target, Map.of(), extraSpec);
    }
}
