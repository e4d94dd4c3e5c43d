package io.fleetwarden.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.D2Fixtures;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.cluster.Components;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.CustomResourceDefinitions;
import io.fleetwarden.testing.cluster.EngineOnCluster;
import io.fleetwarden.testing.cluster.FleetOnCluster;
import io.fleetwarden.testing.cluster.HelmControllerStandIn;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * D2's whole fleet in engine mode, staging and production, from the fleet artifact to the components' objects, with
 * no Flux controller and no Flux Operator running: D2's own manifests (fleet, infra and apps repositories, read in
 * place from ../shared), published to the real registry as D2's workflows publish them and signed by the local
 * Sigstore as those workflows (staging: push-artifact.yaml on main, tag {@code latest}; production: the fleet's
 * push-artifact.yaml on a version tag and the components' release-artifact.yaml on {@code refs/tags/<component>/...},
 * tag {@code latest-stable}); the repository's own {@code policies/<environment>}, {@code policies/third-party} and
 * {@code policies/tenancy}. Only the registry changes:
 * every {@code oci://ghcr.io/}, {@code oci://quay.io/} and {@code oci://registry-1.docker.io/} becomes the local
 * registry, in the manifests and the policies alike.
 *
 * <p>The cluster starts as D2's bootstrap leaves it: the FluxInstance of {@code clusters/staging}, the pull Secret,
 * and the service accounts Flux Operator's chart and Flux's install bind to cluster-admin. HelmReleases are the one
 * kind engine mode does not reconcile: {@link HelmControllerStandIn} reports them Ready and installs the CRDs their
 * charts would (cert-manager's, Prometheus Operator's), so that the fleet's health checks and dependencies can
 * pass; everything else is the engine's. Each cluster runs on a control plane of its own: D2's namespaces are fixed
 * names.
 */
class D2FleetOnClusterTest {

    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();

    static ControlPlane plane;
    static SignedArtifacts artifacts;
    static EngineOnCluster engine;
    static HelmControllerStandIn helm;
    static KubernetesClient client;
    static String registry;

    /** What tells a D2 cluster apart: its tag, its policies and who signs its artifacts. */
    record Cluster(String name, String environment, String tag, String fleetRef, String componentWorkflow,
            String componentSubject) {

        String componentRef(String component) {
            return environment.equals("staging") ? "refs/heads/main" : "refs/tags/" + component + "/v1.4.0";
        }
    }

    static Stream<Cluster> clusters() {
        return Stream.of(
                new Cluster("staging", "staging", "latest", "refs/heads/main", "push-artifact.yaml",
                        "push-artifact\\.yaml@refs/heads/main$"),
                new Cluster("prod-eu", "production", "latest-stable", "refs/tags/v1.4.0", "release-artifact.yaml",
                        "release-artifact\\.yaml@refs/tags/.*$"));
    }

    void start(Cluster cluster) {
        plane = ControlPlane.start(Components.locate(), Components.repositoryRoot().resolve("target/control-plane/d2-"
                + cluster.name() + "-" + UUID.randomUUID().toString().substring(0, 8)));
        CustomResourceDefinitions.installAll(plane);
        CustomResourceDefinitions.installFluxKinds(plane, "helm-controller.yaml", Set.of("HelmRelease"));
        CustomResourceDefinitions.installFluxInstance(plane);
        client = plane.adminClient();
        artifacts = SignedArtifacts.onSharedRegistry();
        registry = artifacts.host() + "/d2-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {engine, helm, artifacts, plane}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // keep closing the others
                }
            }
        }
        engine = null;
        helm = null;
        artifacts = null;
        plane = null;
    }

    @ParameterizedTest
    @MethodSource("clusters")
    void d2sFleetComesUpFromItsArtifactInEngineMode(Cluster cluster) throws Exception {
        start(cluster);
        String tag = cluster.tag();
        Map<String, String> fleetFiles = localised(tree("d2-fleet", List.of("clusters", "tenants")));
        Digest fleet = publishSigned("ghcr.io/controlplaneio-fluxcd/d2-fleet", tag, "d2-fleet", "push-artifact.yaml",
                cluster.fleetRef(), fleetFiles);
        Map<String, Digest> components = new LinkedHashMap<>();
        for (String c : List.of("d2-infra/components/cert-manager", "d2-infra/components/monitoring",
                "d2-apps/components/frontend", "d2-apps/components/backend")) {
            String repo = c.substring(0, c.indexOf('/'));
            String component = c.substring(c.lastIndexOf('/') + 1);
            components.put(component, publishSigned("ghcr.io/controlplaneio-fluxcd/" + repo + "/" + component, tag, repo,
                    cluster.componentWorkflow(), cluster.componentRef(component), localised(tree(c, List.of()))));
        }
        for (String chart : List.of("ghcr.io/controlplaneio-fluxcd/charts/metrics-server:3.13.0",
                "ghcr.io/prometheus-community/charts/kube-prometheus-stack:86.2.0",
                "quay.io/jetstack/charts/cert-manager:v1.20.2", "ghcr.io/stefanprodan/charts/podinfo:6.14.0",
                "registry-1.docker.io/bitnamicharts/memcached:8.6.3", "registry-1.docker.io/bitnamicharts/redis:27.0.12")) {
            // A Helm chart as registries serve them (D2's chart sources select the chart layer by media type).
            String[] repoTag = chart.split(":");
            String name = repoTag[0].substring(repoTag[0].lastIndexOf('/') + 1);
            byte[] tgz = io.fleetwarden.testing.OciPublisher.tarGz(Map.of(name + "/Chart.yaml", ("apiVersion: v2\nname: "
                    + name + "\nversion: " + repoTag[1] + "\n").getBytes(StandardCharsets.UTF_8)));
            artifacts.publisher().pushLayers(repository(repoTag[0]), repoTag[1], List.of(new io.fleetwarden.testing
                    .OciPublisher.LayerContent("application/vnd.cncf.helm.chart.content.v1.tar+gzip", tgz)), Map.of());
        }

        bootstrap();
        helm = new HelmControllerStandIn(client);
        engine = new EngineOnCluster(plane, artifacts, policies(cluster.environment()), Duration.ofSeconds(1));
        String instanceYaml = fleetFiles.get("clusters/" + cluster.name() + "/flux-system/flux-instance.yaml");
        client.resource(Serialization.unmarshal(instanceYaml, GenericKubernetesResource.class)).create();

        // The FluxInstance's sync, as Flux Operator generates it, brings the fleet artifact in: verified, applied.
        JsonNode instance = awaitReady("flux-system", FluxKinds.FLUX_INSTANCE, "flux");
        assertThat(FleetOnCluster.condition(instance, "Ready").path("message").asText())
                .startsWith("Reconciliation finished in engine mode: sync OCIRepository/flux-system/flux-system, "
                        + "Kustomization/flux-system/flux-system applied");
        assertThat(FleetOnCluster.inventoryIds(instance)).containsExactlyInAnyOrder(
                "flux-system_flux-system_source.toolkit.fluxcd.io_OCIRepository",
                "flux-system_flux-system_kustomize.toolkit.fluxcd.io_Kustomization");
        JsonNode source = awaitReady("flux-system", FluxKinds.OCI_REPOSITORY, "flux-system");
        assertThat(source.at("/status/artifact/revision").asText()).isEqualTo(tag + "@" + fleet);
        assertThat(FleetOnCluster.condition(source, "SourceVerified").path("status").asText()).isEqualTo("True");
        assertThat(source.at("/spec/verify/matchOIDCIdentity/0/subject").asText())
                .as("D2's kustomize patch of the FluxInstance reached the source").contains("d2-fleet");
        JsonNode root = awaitReady("flux-system", FluxKinds.KUSTOMIZATION, "flux-system");
        assertThat(root.at("/spec/serviceAccountName").asText()).isEqualTo("kustomize-controller");
        assertThat(root.at("/status/lastAppliedRevision").asText()).isEqualTo(tag + "@" + fleet);

        // clusters/staging: the tenants Kustomization, then D2's three ResourceSets, then every tenant's source and
        // Kustomizations, in the order their dependsOn give.
        awaitReady("flux-system", FluxKinds.KUSTOMIZATION, "tenants");
        for (String set : List.of("policies", "infra", "apps")) {
            awaitReady("flux-system", FluxKinds.RESOURCE_SET, set);
        }
        for (String tenant : List.of("cert-manager", "monitoring")) {
            JsonNode infra = awaitReady(tenant, FluxKinds.OCI_REPOSITORY, "infra");
            assertThat(infra.at("/status/artifact/revision").asText()).isEqualTo(tag + "@" + components.get(tenant));
            awaitReady(tenant, FluxKinds.KUSTOMIZATION, "infra-controllers");
            awaitReady(tenant, FluxKinds.KUSTOMIZATION, "infra-configs");
        }
        for (String tenant : List.of("frontend", "backend")) {
            JsonNode apps = awaitReady(tenant, FluxKinds.OCI_REPOSITORY, "apps");
            // The exact verify subject D2 gives this environment's tenants.
            assertThat(apps.at("/spec/verify/matchOIDCIdentity/0/subject").asText()).isEqualTo(
                    "^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/" + cluster.componentSubject());
            assertThat(apps.at("/status/artifact/revision").asText()).isEqualTo(tag + "@" + components.get(tenant));
            JsonNode ks = awaitReady(tenant, FluxKinds.KUSTOMIZATION, "apps");
            assertThat(ks.at("/status/lastAppliedRevision").asText()).isEqualTo(tag + "@" + components.get(tenant));
        }

        // The components' objects, with the cluster's runtime info substituted.
        JsonNode podinfo = JSON.valueToTree(client.genericKubernetesResources("helm.toolkit.fluxcd.io/v2", "HelmRelease")
                .inNamespace("frontend").withName("podinfo").get());
        assertThat(podinfo.at("/spec/values/ingress/hosts/0/host").asText())
                .isEqualTo("podinfo." + D2Fixtures.runtimeInfo(cluster.name()).get("CLUSTER_DOMAIN"));
        assertThat(client.genericKubernetesResources("cert-manager.io/v1", "ClusterIssuer").list().getItems()).isNotEmpty();
        assertThat(client.genericKubernetesResources("monitoring.coreos.com/v1", "PodMonitor").inAnyNamespace().list()
                .getItems()).isNotEmpty();
        assertThat(client.genericKubernetesResources("helm.toolkit.fluxcd.io/v2", "HelmRelease").inAnyNamespace().list()
                .getItems()).extracting(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
                .contains("frontend/podinfo", "backend/redis", "backend/memcached", "cert-manager/cert-manager",
                        "monitoring/kube-prometheus-stack", "monitoring/metrics-server", "flux-system/flux-operator");
        // Flux Operator's own chart is not covered by the staging policies: never pulled, whatever its signature.
        JsonNode operatorChart = await().atMost(WAIT).until(() -> get("flux-system", FluxKinds.OCI_REPOSITORY,
                "flux-operator"), o -> !FleetOnCluster.condition(o, "Ready").path("reason").asText().isEmpty());
        assertThat(FleetOnCluster.condition(operatorChart, "Ready").path("reason").asText()).isEqualTo("VerificationError");
    }

    /** What D2's bootstrap leaves: flux-system, the pull Secret, and the platform's service accounts bound. */
    private static void bootstrap() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("flux-system").endMetadata()
                .build()).create();
        String dockerConfig = "{\"auths\":{\"" + artifacts.host() + "\":{\"auth\":\"" + Base64.getEncoder()
                .encodeToString("d2:unused".getBytes(StandardCharsets.UTF_8)) + "\"}}}";
        client.secrets().inNamespace("flux-system").resource(new SecretBuilder().withNewMetadata().withName("ghcr-auth")
                .endMetadata().withType("kubernetes.io/dockerconfigjson").withData(Map.of(".dockerconfigjson",
                        Base64.getEncoder().encodeToString(dockerConfig.getBytes(StandardCharsets.UTF_8)))).build())
                .create();
        // Flux Operator's chart binds flux-operator, Flux's install (rbac.yaml, cluster-reconciler) kustomize-controller.
        client.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                .withName("cluster-reconciler-flux-system").endMetadata().withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("cluster-admin").endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName("kustomize-controller").withNamespace("flux-system")
                .endSubject().addNewSubject().withKind("ServiceAccount").withName("flux-operator")
                .withNamespace("flux-system").endSubject().build()).create();
        // What engine mode ships in Flux's place: Flux's aggregated roles (tenants are bound to admin).
        try (var in = Files.newInputStream(Components.repositoryRoot().resolve(
                "deploy/overlays/engine/flux-aggregated-roles.yaml"))) {
            client.load(in).items().forEach(r -> client.resource(r).create());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository's policies of the environment, third-party and tenancy, for the local registry and Sigstore. */
    private static String policies(String environment) throws IOException {
        StringBuilder all = new StringBuilder();
        for (String dir : List.of("policies/" + environment, "policies/third-party", "policies/tenancy")) {
            try (Stream<Path> files = Files.list(Components.repositoryRoot().resolve(dir))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                    String text = localise(Files.readString(f)).replaceAll("(?m)^(\\s+)keyless:", "$1trustedRoot: local\n$1keyless:");
                    all.append("---\n").append(text);
                }
            }
        }
        return all.toString();
    }

    private static Digest publishSigned(String repository, String tag, String githubRepository, String workflow,
            String ref, Map<String, String> files) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
        String repo = repository(repository);
        Digest digest = artifacts.publisher().pushArtifact(repo, tag, bytes);
        artifacts.signBundle(repo, digest, SigningRequest.keyless(Identity.github()
                .repository("controlplaneio-fluxcd/" + githubRepository).workflowFile(workflow).ref(ref).build()).build());
        return digest;
    }

    /** {@code ghcr.io/x/y} → the local registry's {@code <base>/ghcr.io/x/y}. */
    private static String repository(String original) {
        return registry.substring(registry.indexOf('/') + 1) + "/" + original;
    }

    private static String localise(String text) {
        return text.replaceAll("oci://(ghcr\\.io|quay\\.io|registry-1\\.docker\\.io)/", "oci://" + registry + "/$1/");
    }

    private static Map<String, String> localised(Map<String, String> files) {
        Map<String, String> out = new LinkedHashMap<>();
        files.forEach((k, v) -> out.put(k, localise(v)));
        return out;
    }

    /** The files under ../shared/fixtures/d2/{@code dir} (only {@code subdirs} when given), relative paths. */
    private static Map<String, String> tree(String dir, List<String> subdirs) {
        Path base = Path.of("..", "shared", "fixtures", "d2", dir);
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(base)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String rel = base.relativize(p).toString().replace('\\', '/');
                if (subdirs.isEmpty() || subdirs.stream().anyMatch(s -> rel.startsWith(s + "/"))) {
                    files.put(rel, Files.readString(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) {
            throw new IllegalStateException("D2 fixture missing: " + base.toAbsolutePath());
        }
        return files;
    }

    private static JsonNode get(String ns, ResourceDefinitionContext kind, String name) {
        return JSON.valueToTree(client.genericKubernetesResources(kind).inNamespace(ns).withName(name).get());
    }

    private static JsonNode awaitReady(String ns, ResourceDefinitionContext kind, String name) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> get(ns, kind, name),
                o -> "True".equals(FleetOnCluster.condition(o, "Ready").path("status").asText()));
    }
}
