package io.fleetwarden.testing.cluster;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.reconcile.FluxKinds;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A small fleet on the real control plane for engine tests: tenant namespaces as D2 makes them, signed artifacts
 * in the real registry, OCIRepositories and Kustomizations in Flux's v1 shape, and waits on their status.
 */
public final class FleetOnCluster {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final Duration WAIT = Duration.ofSeconds(60);

    private final KubernetesClient client;
    private final SignedArtifacts artifacts;
    private final String base = "engine-" + UUID.randomUUID().toString().substring(0, 8);

    public FleetOnCluster(KubernetesClient client, SignedArtifacts artifacts) {
        this.client = client;
        this.artifacts = artifacts;
    }

    /** The repository prefix every policy of the test covers: {@code <host>/<base>/*}. */
    public String base() {
        return base;
    }

    /** An ArtifactPolicy for {@code <registry>/<base>/*} (push-artifact.yaml on main) and a TenancyPolicy. */
    public String policies() {
        return policies(artifacts.host(), base);
    }

    /** The same policies for repositories under {@code <host>/<base>/*} (benchmarks build their own fleet). */
    public static String policies(String host, String base) {
        return """
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
                """.formatted(host, base);
    }

    /** A tenant namespace as D2 makes them: labelled, with a service account flux that may manage its namespace. */
    public String tenant(String prefix) {
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

    /** {@code <base>/<component>-<namespace>}: a repository of its own per test namespace. */
    public String repository(String component, String ns) {
        return base + "/" + component + "-" + ns;
    }

    public Digest publish(String repo, String tag, Map<String, String> files, SigningRequest signer) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
        Digest d = artifacts.publisher().pushArtifact(repo, tag, bytes);
        artifacts.signBundle(repo, d, signer);
        return d;
    }

    public static String configMap(String name, String value) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  value: " + value + "\n";
    }

    /** An OCIRepository verified as the policy requires, polled every 2 s, with extra labels (e.g. a shard key). */
    public GenericKubernetesResource source(String ns, String name, String repo, String tag, Map<String, String> labels) {
        return resource("""
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: OCIRepository
                metadata: {name: %s, namespace: %s, labels: %s}
                spec:
                  interval: 2s
                  url: oci://%s/%s
                  ref: {tag: %s}
                  verify:
                    provider: cosign
                    matchOIDCIdentity:
                      - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                        subject: ^https://github\\.com/acme/fleet/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
                """.formatted(name, ns, json(labels), artifacts.host(), repo, tag));
    }

    /**
     * A Kustomization as D2's tenants have them: as service account flux, pruning, every 3 s.
     *
     * @param target the targetNamespace, or null for none (objects keep the namespace they name)
     * @param extraSpec more spec lines, indented two spaces (e.g. postBuild), or ""
     */
    public GenericKubernetesResource kustomization(String ns, String name, String source, String path, boolean wait,
            String target, Map<String, String> labels, String extraSpec) {
        return resource("""
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: %s, namespace: %s, labels: %s}
                spec:
                %s  serviceAccountName: flux
                  interval: 3s
                  retryInterval: 2s
                  wait: %s
                  timeout: 1m
                  sourceRef: {kind: OCIRepository, name: %s}
                  path: "%s"
                  prune: true
                %s""".formatted(name, ns, json(labels), target == null ? "" : "  targetNamespace: " + target + "\n",
                wait, source, path, extraSpec));
    }

    public void create(GenericKubernetesResource r) {
        client.resource(r).create();
    }

    public JsonNode get(String ns, ResourceDefinitionContext kind, String name) {
        return JSON.valueToTree(client.genericKubernetesResources(kind).inNamespace(ns).withName(name).get());
    }

    public static JsonNode condition(JsonNode object, String type) {
        for (JsonNode c : object.at("/status/conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c;
            }
        }
        return JSON.createObjectNode();
    }

    public JsonNode awaitReady(String ns, ResourceDefinitionContext kind, String name) {
        return await().atMost(WAIT).until(() -> get(ns, kind, name),
                o -> "True".equals(condition(o, "Ready").path("status").asText()));
    }

    public JsonNode awaitApplied(String ns, String name, String revision) {
        return await().atMost(WAIT).until(() -> get(ns, FluxKinds.KUSTOMIZATION, name),
                o -> revision.equals(o.at("/status/lastAppliedRevision").asText())
                        && "True".equals(condition(o, "Ready").path("status").asText()));
    }

    public String data(String ns, String name) {
        ConfigMap cm = client.configMaps().inNamespace(ns).withName(name).get();
        return cm == null ? null : cm.getData().get("value");
    }

    public static List<String> inventoryIds(JsonNode ks) {
        List<String> ids = new ArrayList<>();
        ks.at("/status/inventory/entries").forEach(e -> ids.add(e.path("id").asText()));
        return ids;
    }

    private static GenericKubernetesResource resource(String yaml) {
        return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    }

    private static String json(Map<String, String> labels) {
        try {
            return JSON.writeValueAsString(labels);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
