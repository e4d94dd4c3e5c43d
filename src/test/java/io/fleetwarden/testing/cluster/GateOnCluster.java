package io.fleetwarden.testing.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * The gate on a real control plane, shared by the integration tests of one JVM: the packaged service
 * installed as {@link LocalCluster} does it, a real registry, the local Sigstore as trusted root
 * {@code local}, an ArtifactPolicy for {@code <registry>/acme/fleet-apps/*} (push-artifact.yaml on main) and
 * the example TenancyPolicy from {@code policies/tenancy}, both applied through the API server as GitOps
 * would, and waited for until the policy webhook's informer has them.
 */
public final class GateOnCluster {

    public static final String WORKFLOW = "push-artifact.yaml";
    private static GateOnCluster shared;

    private final ControlPlane plane;
    private final LocalCluster cluster;
    private final SignedArtifacts artifacts;

    private GateOnCluster(ControlPlane plane, LocalCluster cluster, SignedArtifacts artifacts) {
        this.plane = plane;
        this.cluster = cluster;
        this.artifacts = artifacts;
    }

    public static synchronized GateOnCluster shared() {
        if (shared == null) {
            shared = start(ControlPlane.shared(), Components.repositoryRoot().resolve("target/quarkus-app"));
            Runtime.getRuntime().addShutdownHook(new Thread(shared.cluster::close, "local-cluster-stop"));
        }
        return shared;
    }

    static GateOnCluster start(ControlPlane plane, Path app) {
        return start(plane, app, Map.of());
    }

    /**
     * The packaged service in engine mode on {@code plane} (not the shared one: one service per control plane
     * leads its Lease), with deploy/overlays/engine's RBAC added to deploy/base's, and the same policies.
     */
    public static GateOnCluster startEngine(ControlPlane plane, Path app) {
        try (KubernetesClient admin = plane.adminClient()) {
            for (HasMetadata o : DeployManifests.render(Components.locate(), "deploy/overlays/engine")) {
                if (o.getMetadata().getName().equals("fleetwarden-engine")) {
                    admin.resource(o).fieldManager("fleetwarden-tests").forceConflicts().serverSideApply();
                }
            }
        }
        return start(plane, app, Map.of("fleetwarden.mode", "engine"));
    }

    static GateOnCluster start(ControlPlane plane, Path app, Map<String, String> properties) {
        try {
            SignedArtifacts artifacts = new SignedArtifacts(TestRegistry.shared(), LocalSigstore.create());
            Path dir = plane.dir().resolve("fleetwarden");
            Files.createDirectories(dir);
            Path root = Files.write(dir.resolve("trusted_root.json"), artifacts.sigstore().trustedRootJson());
            Map<String, String> all = new java.util.HashMap<>(properties);
            all.put("fleetwarden.gate.trusted-roots.local", root.toString());
            LocalCluster cluster = LocalCluster.install(plane, app, dir, all);
            GateOnCluster gate = new GateOnCluster(plane, cluster, artifacts);
            gate.applyPolicies();
            return gate;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ControlPlane plane() {
        return plane;
    }

    public LocalCluster cluster() {
        return cluster;
    }

    public SignedArtifacts artifacts() {
        return artifacts;
    }

    /** {@code oci://<registry>/acme/fleet-apps/<component>} with a fresh unique component name. */
    public String repository(String component) {
        return "acme/fleet-apps/" + SignedArtifacts.uniqueRepo(component, "app").replace('/', '-');
    }

    /** Publishes a new build of {@code repo} under {@code tag}, signed by the trusted workflow on main. */
    public Digest publishSigned(String repo, String tag) {
        Digest digest = artifacts.publish(repo, tag);
        artifacts.signBundle(repo, digest, signedBy(WORKFLOW));
        return digest;
    }

    public static SigningRequest signedBy(String workflow) {
        return SigningRequest.keyless(Identity.github().repository("acme/fleet-apps").workflowFile(workflow)
                .ref("refs/heads/main").build()).build();
    }

    /** An OCIRepository as a fleet declares it, with a spec.verify as strict as the policy. */
    public GenericKubernetesResource ociRepository(String namespace, String name, String repo, String tag) {
        return Serialization.unmarshal("""
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: OCIRepository
                metadata: {name: %s, namespace: %s}
                spec:
                  interval: 5m
                  url: oci://%s/%s
                  ref: {tag: %s}
                  verify:
                    provider: cosign
                    matchOIDCIdentity:
                      - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                        subject: ^https://github\\.com/acme/fleet-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
                """.formatted(name, namespace, artifacts.host(), repo, tag), GenericKubernetesResource.class);
    }

    private void applyPolicies() throws IOException {
        GenericKubernetesResource artifactPolicy = stagingPolicy("fleet-apps-staging", artifacts.host());
        GenericKubernetesResource tenancy = Serialization.unmarshal(
                Files.readString(Components.repositoryRoot().resolve("policies/tenancy/d2-tenancy.yaml")),
                GenericKubernetesResource.class);
        try (KubernetesClient admin = plane.adminClient()) {
            for (GenericKubernetesResource policy : new GenericKubernetesResource[] { artifactPolicy, tenancy }) {
                admin.resource(policy).fieldManager("fleetwarden-tests").forceConflicts().serverSideApply();
                awaitReady(admin, policy);
            }
        }
    }

    /**
     * The staging ArtifactPolicy this gate is started with, named {@code name}, for the sources of registry
     * {@code host}: fleet-apps signed by push-artifact.yaml on main, keyless, with the local Sigstore.
     */
    public static GenericKubernetesResource stagingPolicy(String name, String host) {
        return Serialization.unmarshal("""
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: %s}
                spec:
                  sources: ["oci://%s/acme/fleet-apps/*"]
                  authorities:
                    - name: push-artifact.yaml on main
                      trustedRoot: local
                      keyless:
                        issuer: https://token.actions.githubusercontent.com
                        subjectRegExp: ^https://github\\.com/acme/fleet-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
                        github:
                          repository: acme/fleet-apps
                          workflow: .github/workflows/push-artifact.yaml
                          refs: [refs/heads/main]
                """.formatted(name, host), GenericKubernetesResource.class);
    }

    /** Applies one more policy as GitOps would and waits until the service has compiled it. */
    public void applyPolicy(GenericKubernetesResource policy) {
        try (KubernetesClient admin = plane.adminClient()) {
            admin.resource(policy).fieldManager("fleetwarden-tests").forceConflicts().serverSideApply();
            awaitReady(admin, policy);
        }
    }

    /** Waits until the leader reports the policy Ready for its generation: the service has compiled it. */
    static void awaitReady(KubernetesClient admin, GenericKubernetesResource policy) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            GenericKubernetesResource current = admin.resource(policy).get();
            Map<String, Object> status = current.get("status");
            return status != null && current.getMetadata().getGeneration().equals(
                    ((Number) status.getOrDefault("observedGeneration", -1)).longValue())
                    && String.valueOf(status.get("conditions")).contains("status=True");
        });
    }
}
