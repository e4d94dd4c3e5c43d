package io.fleetwarden.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.CustomResourceDefinitions;
import io.fleetwarden.testing.cluster.EngineOnCluster;
import io.fleetwarden.testing.cluster.TestNamespaces;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Engine mode on the real control plane and the real registry, artifacts signed by the local Sigstore: what the
 * reconciler delivers, as whom, with which status, and what it refuses to do.
 */
class EngineOnClusterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String BASE = "engine-" + UUID.randomUUID().toString().substring(0, 8);

    static ControlPlane plane;
    static SignedArtifacts artifacts;
    static EngineOnCluster engine;
    static KubernetesClient client;

    @BeforeAll
    static void start() {
        plane = ControlPlane.shared();
        CustomResourceDefinitions.installFluxKinds(plane, "helm-controller.yaml", Set.of("HelmRelease"));
        artifacts = SignedArtifacts.onSharedRegistry();
        String host = artifacts.host();
        engine = new EngineOnCluster(plane, artifacts, """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: apps}
                spec:
                  sources: ["oci://%1$s/%2$s/*"]
                  mode: Enforce
                  authorities:
                    - trustedRoot: local
                      keyless:
                        issuer: https://token.actions.githubusercontent.com
                        github: {repository: acme/fleet, workflow: .github/workflows/push-artifact.yaml, refs: [refs/heads/main]}
                ---
                apiVersion: fleetwarden.io/v1alpha1
                kind: TenancyPolicy
                metadata: {name: tenancy}
                spec:
                  platformNamespaces: [flux-system]
                  tenantNamespaceSelector: {matchLabels: {toolkit.fluxcd.io/role: tenant}}
                  defaultServiceAccount: flux
                  tenants:
                    - name: apps
                      namespaceSelector: {}
                      sources: ["oci://%1$s/%2$s/*"]
                """.formatted(host, BASE), Duration.ofSeconds(1));
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
    void d2sFrontendStagingIsDeliveredAsTheTenantWithFluxsStatus() {
        String ns = tenant("frontend");
        String repo = BASE + "/frontend-" + ns;
        Digest digest = publish(repo, "latest", d2Component("d2-apps/components/frontend"), SigningRequest.github());
        client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("flux-runtime-info")
                .endMetadata().withData(Map.of("CLUSTER_DOMAIN", "staging.example.com")).build()).create();
        create(source(ns, repo, "latest"));
        create(kustomization(ns, "apps", "./staging", false, "flux-runtime-info"));

        JsonNode ks = awaitReady(ns, FluxKinds.KUSTOMIZATION, "apps");
        String revision = "latest@" + digest;
        assertThat(ks.at("/status/conditions").toString()).contains("\"reason\":\"ReconciliationSucceeded\"")
                .contains("Applied revision: " + revision);
        assertThat(ks.at("/status/lastAppliedRevision").asText()).isEqualTo(revision);
        assertThat(ks.at("/status/lastAttemptedRevision").asText()).isEqualTo(revision);
        assertThat(ids(ks)).containsExactlyInAnyOrder(
                ns + "_podinfo_helm.toolkit.fluxcd.io_HelmRelease",
                ns + "_podinfo-chart_source.toolkit.fluxcd.io_OCIRepository");
        assertThat(ks.at("/metadata/finalizers").toString()).contains(FluxKinds.FINALIZER);

        JsonNode oci = get(ns, FluxKinds.OCI_REPOSITORY, "apps");
        assertThat(oci.at("/status/artifact/revision").asText()).isEqualTo(revision);
        assertThat(condition(oci, "SourceVerified").path("status").asText()).isEqualTo("True");
        assertThat(condition(oci, "SourceVerified").path("message").asText())
                .isEqualTo("verified signature of revision " + revision);

        // The staging patch and the cluster's runtime info, as kustomize-controller applies them.
        GenericKubernetesResource release = client.genericKubernetesResources("helm.toolkit.fluxcd.io/v2", "HelmRelease")
                .inNamespace(ns).withName("podinfo").get();
        JsonNode hr = JSON.valueToTree(release);
        assertThat(hr.at("/spec/values/replicaCount").asInt()).isEqualTo(1);
        assertThat(hr.at("/spec/values/ingress/hosts/0/host").asText()).isEqualTo("podinfo.staging.example.com");
        assertThat(hr.at("/metadata/labels/kustomize.toolkit.fluxcd.io~1name").asText()).isEqualTo("apps");
        assertThat(release.getMetadata().getManagedFields()).anySatisfy(f -> {
            assertThat(f.getManager()).isEqualTo("kustomize-controller");
            assertThat(f.getOperation()).isEqualTo("Apply");
        });

        // The chart source the overlay created is reconciled too, and no policy covers it: never pulled.
        await().atMost(WAIT).untilAsserted(() -> assertThat(condition(get(ns, FluxKinds.OCI_REPOSITORY,
                "podinfo-chart"), "Ready").path("reason").asText()).isEqualTo("VerificationError"));
        assertThat(engine.held().get(new io.fleetwarden.reconcile.runtime.ObjectKey(ns, "podinfo-chart"))).isEmpty();
    }

    @Test
    void aMovedTagIsAppliedAndPrunedThenRolledBackAndAWrongWorkflowIsNeverApplied() {
        String ns = tenant("rollback");
        String repo = BASE + "/rollback-" + ns;
        Digest v1 = publish(repo, "latest", Map.of("kustomization.yaml", "resources: [a.yaml, b.yaml]\n",
                "a.yaml", configMap("a", "one"), "b.yaml", configMap("b", "one")), SigningRequest.github());
        create(source(ns, repo, "latest"));
        create(kustomization(ns, "app", "./", true, null));
        assertThat(awaitApplied(ns, "app", "latest@" + v1)).isNotNull();
        assertThat(data(ns, "a")).isEqualTo("one");
        assertThat(data(ns, "b")).isEqualTo("one");

        // A hand edit of a field we own is put back within an interval.
        client.configMaps().inNamespace(ns).withName("a").edit(cm -> {
            cm.getData().put("value", "edited by hand");
            return cm;
        });
        await().atMost(WAIT).until(() -> "one".equals(data(ns, "a")));

        // The tag moves to a build without b: applied, and b pruned.
        Digest v2 = publish(repo, "latest", Map.of("kustomization.yaml", "resources: [a.yaml]\n",
                "a.yaml", configMap("a", "two")), SigningRequest.github());
        awaitApplied(ns, "app", "latest@" + v2);
        await().atMost(WAIT).until(() -> client.configMaps().inNamespace(ns).withName("b").get() == null);
        assertThat(data(ns, "a")).isEqualTo("two");

        // Rollback: the tag moves back to the first release, verified again, b comes back.
        artifacts.publisher().tag(repo, v1, "latest");
        JsonNode ks = awaitApplied(ns, "app", "latest@" + v1);
        assertThat(data(ns, "b")).isEqualTo("one");
        assertThat(ids(ks)).containsExactlyInAnyOrder(ns + "_a__ConfigMap", ns + "_b__ConfigMap");

        // Signed by another workflow: refused before it is pulled; nothing is applied, nothing pruned.
        Digest wrong = publish(repo, "latest", Map.of("kustomization.yaml", "resources: []\n"),
                SigningRequest.keyless(Identity.github().workflowFile("other.yaml").build()).build());
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode ready = condition(get(ns, FluxKinds.OCI_REPOSITORY, "source"), "Ready");
            assertThat(ready.path("reason").asText()).isEqualTo("VerificationError");
        });
        assertThat(get(ns, FluxKinds.OCI_REPOSITORY, "source").at("/status/artifact/revision").asText())
                .as("the verified artifact stays in use").isEqualTo("latest@" + v1);
        assertThat(get(ns, FluxKinds.KUSTOMIZATION, "app").at("/status/lastAppliedRevision").asText())
                .isEqualTo("latest@" + v1);
        assertThat(data(ns, "a")).isEqualTo("one");
        assertThat(data(ns, "b")).isEqualTo("one");
        assertThat(wrong).isNotEqualTo(v1);
    }

    @Test
    void aTenantOverlayReachingOutOfItsNamespaceIsRefusedBeforeAnythingIsApplied() {
        String ns = tenant("escape");
        String other = TestNamespaces.create(client, "victim");
        String repo = BASE + "/escape-" + ns;
        publish(repo, "latest", Map.of("kustomization.yaml", "resources: [ok.yaml, crb.yaml, other.yaml]\n",
                "ok.yaml", configMap("ok", "x"),
                "crb.yaml", """
                        apiVersion: rbac.authorization.k8s.io/v1
                        kind: ClusterRoleBinding
                        metadata: {name: %s-admin}
                        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                        subjects: [{kind: ServiceAccount, name: flux, namespace: %s}]
                        """.formatted(ns, ns),
                "other.yaml", configMap("planted", "x").replace("metadata:\n", "metadata:\n  namespace: " + other + "\n")),
                SigningRequest.github());
        create(source(ns, repo, "latest"));
        // No targetNamespace: kustomize would otherwise move the planted object into the tenant's namespace.
        create(kustomization(ns, "app", "./", true, null, null));
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode ready = condition(get(ns, FluxKinds.KUSTOMIZATION, "app"), "Ready");
            assertThat(ready.path("reason").asText()).isEqualTo("AccessDenied");
            assertThat(ready.path("message").asText()).contains("ClusterRoleBinding").contains(other)
                    .contains("nothing applied");
        });
        assertThat(client.configMaps().inNamespace(ns).withName("ok").get()).isNull();
        assertThat(client.configMaps().inNamespace(other).withName("planted").get()).isNull();
        assertThat(client.rbac().clusterRoleBindings().withName(ns + "-admin").get()).isNull();
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /** A tenant namespace as D2 makes them: labelled, with a service account flux that may manage its namespace. */
    private static String tenant(String prefix) {
        String ns = TestNamespaces.create(client, prefix, Map.of("toolkit.fluxcd.io/role", "tenant"));
        client.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata().withName("flux")
                .endMetadata().build()).create();
        client.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName("tenant-admin")
                .endMetadata().addNewRule().withApiGroups("*").withResources("*").withVerbs("*").endRule().build()).create();
        client.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("flux").endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role").withName("tenant-admin").endRoleRef().addNewSubject().withKind("ServiceAccount")
                .withName("flux").withNamespace(ns).endSubject().build()).create();
        return ns;
    }

    private static Digest publish(String repo, String tag, Map<String, String> files, SigningRequest signer) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
        Digest d = artifacts.publisher().pushArtifact(repo, tag, bytes);
        artifacts.signBundle(repo, d, signer);
        return d;
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

    private static String configMap(String name, String value) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  value: " + value + "\n";
    }

    private GenericKubernetesResource source(String ns, String repo, String tag) {
        return resource("""
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: OCIRepository
                metadata: {name: %s, namespace: %s}
                spec:
                  interval: 2s
                  url: oci://%s/%s
                  ref: {tag: %s}
                  verify:
                    provider: cosign
                    matchOIDCIdentity:
                      - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                        subject: ^https://github\\.com/acme/fleet/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
                """.formatted(ns.startsWith("frontend") ? "apps" : "source", ns, artifacts.host(), repo, tag));
    }

    private GenericKubernetesResource kustomization(String ns, String name, String path, boolean wait, String runtimeInfo) {
        return kustomization(ns, name, path, wait, runtimeInfo, ns);
    }

    /** @param target the targetNamespace, or null for none (objects keep the namespace they name) */
    private GenericKubernetesResource kustomization(String ns, String name, String path, boolean wait, String runtimeInfo,
            String target) {
        String source = ns.startsWith("frontend") ? "apps" : "source";
        return resource("""
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: %s, namespace: %s}
                spec:
                %s  serviceAccountName: flux
                  interval: 3s
                  retryInterval: 2s
                  wait: %s
                  timeout: 1m
                  sourceRef: {kind: OCIRepository, name: %s}
                  path: "%s"
                  prune: true
                %s""".formatted(name, ns, target == null ? "" : "  targetNamespace: " + target + "\n", wait, source, path, runtimeInfo == null ? ""
                        : "  postBuild:\n    substituteFrom:\n      - kind: ConfigMap\n        name: " + runtimeInfo + "\n"));
    }

    private static GenericKubernetesResource resource(String yaml) {
        return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    }

    private static void create(GenericKubernetesResource r) {
        client.resource(r).create();
    }

    private static JsonNode get(String ns, io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext kind,
            String name) {
        return JSON.valueToTree(client.genericKubernetesResources(kind).inNamespace(ns).withName(name).get());
    }

    private static JsonNode condition(JsonNode object, String type) {
        for (JsonNode c : object.at("/status/conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c;
            }
        }
        return JSON.createObjectNode();
    }

    private static JsonNode awaitReady(String ns, io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext kind,
            String name) {
        return await().atMost(WAIT).until(() -> get(ns, kind, name),
                o -> "True".equals(condition(o, "Ready").path("status").asText()));
    }

    private static JsonNode awaitApplied(String ns, String name, String revision) {
        return await().atMost(WAIT).until(() -> get(ns, FluxKinds.KUSTOMIZATION, name),
                o -> revision.equals(o.at("/status/lastAppliedRevision").asText())
                        && "True".equals(condition(o, "Ready").path("status").asText()));
    }

    private static String data(String ns, String name) {
        ConfigMap cm = client.configMaps().inNamespace(ns).withName(name).get();
        return cm == null ? null : cm.getData().get("value");
    }

    private static List<String> ids(JsonNode ks) {
        List<String> ids = new ArrayList<>();
        ks.at("/status/inventory/entries").forEach(e -> ids.add(e.path("id").asText()));
        return ids;
    }
}
