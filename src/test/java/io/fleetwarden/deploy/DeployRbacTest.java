package io.fleetwarden.deploy;

import static io.fleetwarden.deploy.DeployManifestsTest.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.config.CertificatesConfig;
import io.fleetwarden.config.LeaderConfig;
import io.fleetwarden.deploy.KubernetesApiCalls.Call;
import io.fleetwarden.testing.deploy.Kustomization;
import io.fleetwarden.testing.deploy.Manifests;
import io.smallrye.config.WithDefault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The service account may do exactly what the code does. {@link #CALLS} names every Kubernetes API call in
 * src/main/java, the resource it reaches and the role that grants it; the scan must find exactly these (a new
 * call fails here until it is added, with its RBAC), and every shipped role must grant exactly the union of
 * its rows: name-pinned where a row names objects, for every verb but create (the API server authorizes a
 * create before the object and its name exist, so a resourceNames rule never matches one).
 */
class DeployRbacTest {

    static final String CLUSTER = "ClusterRole fleetwarden";
    static final String CERTIFICATES = "Role fleetwarden-certificates";
    static final String LEADER = "Role fleetwarden-leader";
    static final String WEBHOOK_CONFIGURATIONS = "ClusterRole fleetwarden-webhook-configurations";
    /** Namespaced and unpinned: informers list by label, which RBAC cannot express. */
    static final String TRUSTED_ROOTS = "Role fleetwarden-trusted-roots";

    /** Engine mode only (deploy/overlays/engine): what the reconciler does as fleetwarden. */
    static final String ENGINE = "ClusterRole fleetwarden-engine";
    /**
     * Calls made through an impersonated client (apply/TenantClients): authorized by the tenant's service
     * account, never granted to fleetwarden. Listed so the table stays complete; their verbs are the scan's.
     */
    static final String AS_TENANT = "the Kustomization's or ResourceSet's service account";
    /**
     * Calls made by the CLI ({@code fleetwarden diff kustomization}) with the user's own kubeconfig, or as the
     * service account it impersonates with {@code --as}: authorized by the user's RBAC, never the service's. Listed
     * so the table stays complete; their verbs are the scan's.
     */
    static final String AS_CLI_USER = "the CLI user's kubeconfig";

    static final String SERVING_SECRET = "fleetwarden-webhook-tls";
    static final String CA_SECRET = "fleetwarden-webhook-ca";
    static final String LEASE = "fleetwarden-leader";

    /** A call in the code, the resource it reaches (with the objects it is limited to) and the role granting it. */
    record Expected(String file, String entry, Set<String> verbs, String role, String group, String resource,
            List<String> names) {

        Expected(String file, String entry, Set<String> verbs, String role, String group, String resource) {
            this(file, entry, verbs, role, group, resource, List.of());
        }

        String call() {
            return file + " " + entry + " " + new TreeSet<>(verbs);
        }
    }

    private static final String ADMISSION = "admissionRegistration().v1().";

    static final List<Expected> CALLS = List.of(
            // Watched as stored (generic), so that a field the types lack is seen and refused, never dropped.
            new Expected("io/fleetwarden/kube/PolicyInformer.java", "genericKubernetesResources(ARTIFACT_POLICIES)",
                    Set.of("list", "watch"), CLUSTER, "fleetwarden.io", "artifactpolicies"),
            new Expected("io/fleetwarden/kube/PolicyInformer.java", "genericKubernetesResources(TENANCY_POLICIES)",
                    Set.of("list", "watch"), CLUSTER, "fleetwarden.io", "tenancypolicies"),
            // The leader's status writes: policy is a copy of the informer's object of either kind, which always
            // carries its resourceVersion, so fabric8 sends the PUT to /status without a GET first.
            new Expected("io/fleetwarden/kube/PolicyStatusWriter.java", "resource(policy)", Set.of("update"), CLUSTER,
                    "fleetwarden.io", "artifactpolicies/status"),
            new Expected("io/fleetwarden/kube/PolicyStatusWriter.java", "resource(policy)", Set.of("update"), CLUSTER,
                    "fleetwarden.io", "tenancypolicies/status"),
            // Events about denials: created once, then their count patched (the object given, so no read first).
            new Expected("io/fleetwarden/kube/DenialEvents.java", "v1().events()", Set.of("create"), CLUSTER, "",
                    "events"),
            new Expected("io/fleetwarden/kube/DenialEvents.java", "v1().events()", Set.of("patch"), CLUSTER, "",
                    "events"),
            new Expected("io/fleetwarden/kube/NamespaceLabelCache.java", "namespaces()", Set.of("list", "watch"), CLUSTER,
                    "", "namespaces"),
            new Expected("io/fleetwarden/kube/NamespaceLabelCache.java", "namespaces()", Set.of("get"), CLUSTER, "",
                    "namespaces"),
            new Expected("io/fleetwarden/kube/PullSecretAccess.java", "serviceAccounts()", Set.of("get"), CLUSTER, "",
                    "serviceaccounts"),
            new Expected("io/fleetwarden/kube/PullSecretAccess.java", "secrets()", Set.of("get"), CLUSTER, "", "secrets"),
            // The Helm chart gate: an informer on HelmRepositories with a live read on a miss, and a live list of
            // one namespace's HelmCharts when a HelmRepository is created or changed (no watch: never cached).
            new Expected("io/fleetwarden/kube/HelmSourceCache.java", "genericKubernetesResources(HELM_REPOSITORIES)",
                    Set.of("list", "watch"), CLUSTER, "source.toolkit.fluxcd.io", "helmrepositories"),
            new Expected("io/fleetwarden/kube/HelmSourceCache.java", "genericKubernetesResources(HELM_REPOSITORIES)",
                    Set.of("get"), CLUSTER, "source.toolkit.fluxcd.io", "helmrepositories"),
            new Expected("io/fleetwarden/kube/HelmSourceCache.java", "genericKubernetesResources(HELM_CHARTS)",
                    Set.of("list"), CLUSTER, "source.toolkit.fluxcd.io", "helmcharts"),
            // Trusted roots from the cluster: informers on the labelled ConfigMaps and Secrets of fleetwarden's
            // own namespace (a Role there, never a ClusterRole: no Secret of another namespace is listable).
            new Expected("io/fleetwarden/kube/TrustedRootSources.java", "configMaps()", Set.of("list", "watch"),
                    TRUSTED_ROOTS, "", "configmaps"),
            new Expected("io/fleetwarden/kube/TrustedRootSources.java", "secrets()", Set.of("list", "watch"),
                    TRUSTED_ROOTS, "", "secrets"),
            // Certificate self-management: both Secrets read, created when absent, updated at the version read.
            new Expected("io/fleetwarden/kube/certs/WebhookCertificates.java", "secrets()", Set.of("get"), CERTIFICATES,
                    "", "secrets", List.of(SERVING_SECRET, CA_SECRET)),
            new Expected("io/fleetwarden/kube/certs/WebhookCertificates.java", "secrets()", Set.of("create", "update"),
                    CERTIFICATES, "", "secrets", List.of(SERVING_SECRET, CA_SECRET)),
            // caBundle: read every webhook, JSON-patch the ones that differ.
            new Expected("io/fleetwarden/kube/certs/CaBundles.java", ADMISSION + "validatingWebhookConfigurations()",
                    Set.of("get", "patch"), WEBHOOK_CONFIGURATIONS, "admissionregistration.k8s.io",
                    "validatingwebhookconfigurations", List.of("fleetwarden")),
            new Expected("io/fleetwarden/kube/certs/CaBundles.java", ADMISSION + "mutatingWebhookConfigurations()",
                    Set.of("get", "patch"), WEBHOOK_CONFIGURATIONS, "admissionregistration.k8s.io",
                    "mutatingwebhookconfigurations", List.of("fleetwarden-defaults")),
            // fabric8's LeaseLock: get, create when absent, renew and release as a merge patch.
            new Expected("io/fleetwarden/kube/LeaderElection.java", "leaderElector()", Set.of("get", "create", "patch"),
                    LEADER, "coordination.k8s.io", "leases", List.of(LEASE)),
            // Engine mode: informers on the Flux kinds, status and finalizer writes, Events, CRDs established.
            new Expected("io/fleetwarden/reconcile/Engine.java", "genericKubernetesResources(kind)", Set.of("list", "watch"),
                    ENGINE, "source.toolkit.fluxcd.io", "ocirepositories"),
            new Expected("io/fleetwarden/reconcile/Engine.java", "genericKubernetesResources(kind)", Set.of("list", "watch"),
                    ENGINE, "kustomize.toolkit.fluxcd.io", "kustomizations"),
            // ResourceSets are reconciled, their input providers only read (informers, not sharded).
            new Expected("io/fleetwarden/reconcile/Engine.java", "genericKubernetesResources(kind)", Set.of("list", "watch"),
                    ENGINE, "fluxcd.controlplane.io", "resourcesets"),
            new Expected("io/fleetwarden/reconcile/Engine.java", "genericKubernetesResources(kind)", Set.of("list", "watch"),
                    ENGINE, "fluxcd.controlplane.io", "resourcesetinputproviders"),
            new Expected("io/fleetwarden/reconcile/status/StatusWriter.java", "genericKubernetesResources(kind)",
                    Set.of("patch"), ENGINE, "source.toolkit.fluxcd.io", "ocirepositories/status"),
            new Expected("io/fleetwarden/reconcile/status/StatusWriter.java", "genericKubernetesResources(kind)",
                    Set.of("patch"), ENGINE, "fluxcd.controlplane.io", "resourcesets/status"),
            // FluxInstances: their sync is applied as the platform's service account; only watched and their status written.
            new Expected("io/fleetwarden/reconcile/Engine.java", "genericKubernetesResources(kind)", Set.of("list", "watch"),
                    ENGINE, "fluxcd.controlplane.io", "fluxinstances"),
            new Expected("io/fleetwarden/reconcile/status/StatusWriter.java", "genericKubernetesResources(kind)",
                    Set.of("patch"), ENGINE, "fluxcd.controlplane.io", "fluxinstances/status"),
            // Flux Operator's finalizer on ResourceSets (the object's identity given, so no read first).
            new Expected("io/fleetwarden/reconcile/status/Finalizers.java", "genericKubernetesResources(kind)",
                    Set.of("patch"), ENGINE, "fluxcd.controlplane.io", "resourcesets"),
            new Expected("io/fleetwarden/reconcile/status/StatusWriter.java", "genericKubernetesResources(kind)",
                    Set.of("patch"), ENGINE, "kustomize.toolkit.fluxcd.io", "kustomizations/status"),
            new Expected("io/fleetwarden/reconcile/status/Finalizers.java", "genericKubernetesResources(kind)",
                    Set.of("patch"), ENGINE, "kustomize.toolkit.fluxcd.io", "kustomizations"),
            new Expected("io/fleetwarden/reconcile/status/EventRecorder.java", "v1().events()", Set.of("create"), ENGINE,
                    "", "events"),
            new Expected("io/fleetwarden/apply/DefinitionWait.java", "genericKubernetesResources(context)",
                    Set.of("list", "watch"), ENGINE, "apiextensions.k8s.io", "customresourcedefinitions"),
            new Expected("io/fleetwarden/apply/DefinitionWait.java", "genericKubernetesResources(NAMESPACES)",
                    Set.of("list", "watch"), CLUSTER, "", "namespaces"),
            // As the tenant: its objects (get, server-side apply, delete through a Resource the scan cannot follow),
            // its postBuild variables, the objects its health checks name.
            new Expected("io/fleetwarden/apply/Applier.java", "genericKubernetesResources(resource.context()", Set.of(),
                    AS_TENANT, "*", "*"),
            new Expected("io/fleetwarden/apply/Pruner.java", "genericKubernetesResources(resource.context()", Set.of(),
                    AS_TENANT, "*", "*"),
            new Expected("io/fleetwarden/reconcile/kustomize/KustomizationReconciler.java", "genericKubernetesResources(ctx)",
                    Set.of("get"), AS_TENANT, "*", "*"),
            new Expected("io/fleetwarden/reconcile/kustomize/Variables.java", "configMaps()", Set.of("get"), AS_TENANT, "",
                    "configmaps"),
            new Expected("io/fleetwarden/reconcile/kustomize/Variables.java", "secrets()", Set.of("get"), AS_TENANT, "",
                    "secrets"),
            // spec.decryption.secretRef: the age keys, read as the Kustomization's service account.
            new Expected("io/fleetwarden/reconcile/kustomize/SopsDecryption.java", "secrets()", Set.of("get"),
                    AS_TENANT, "", "secrets"),
            // A ResourceSet's copyFrom sources, and its dependencies of kinds the engine does not cache.
            new Expected("io/fleetwarden/reconcile/resourceset/CopyFrom.java", "configMaps()", Set.of("get"), AS_TENANT,
                    "", "configmaps"),
            new Expected("io/fleetwarden/reconcile/resourceset/CopyFrom.java", "secrets()", Set.of("get"), AS_TENANT, "",
                    "secrets"),
            new Expected("io/fleetwarden/reconcile/resourceset/ResourceSetReconciler.java",
                    "genericKubernetesResources(resource.context()", Set.of("get"), AS_TENANT, "*", "*"),
            // diff kustomization: per object a get and a server-side apply with dryRun=All, through a Resource the
            // scan cannot follow.
            new Expected("io/fleetwarden/apply/DryRun.java", "genericKubernetesResources(resource.context()", Set.of(),
                    AS_CLI_USER, "*", "*"));

    /** Rows whose calls no role of ours grants: they are authorized as someone else. */
    private static final Set<String> NOT_OURS = Set.of(AS_TENANT, AS_CLI_USER);

    /** Not a call the scan can see: TenantClients sets the Impersonate-User and Impersonate-Group headers. */
    static final Set<String> ENGINE_IMPERSONATION = Set.of("serviceaccounts [] impersonate", "groups [] impersonate");

    private final List<ObjectNode> base = Kustomization.render(Manifests.DEPLOY.resolve("base"));
    private final List<ObjectNode> engine = Kustomization.render(Manifests.DEPLOY.resolve("overlays/engine"));

    @Test
    void theTableListsEveryKubernetesApiCallInTheCode() {
        List<Call> found = KubernetesApiCalls.scan(Path.of("src/main/java"));
        Set<String> asTenant = CALLS.stream().filter(c -> NOT_OURS.contains(c.role())).map(c -> c.file() + " " + c.entry())
                .collect(Collectors.toSet());
        assertThat(found).as("every call site of our own has verbs the scan understands")
                .allMatch(c -> !c.verbs().isEmpty() || asTenant.contains(c.file() + " " + c.entry()));
        Set<String> expected = CALLS.stream().map(Expected::call).collect(Collectors.toCollection(TreeSet::new));
        Set<String> actual = found.stream().map(c -> c.file() + " " + c.entry() + " " + c.verbs())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(actual).as("Kubernetes API calls in src/main/java (add a new one to CALLS and to deploy/base RBAC)")
                .isEqualTo(expected);
    }

    @Test
    void theScanSeesANewCallAndItsVerbs() throws Exception {
        Path dir = Files.createTempDirectory("calls");
        Files.writeString(dir.resolve("Rotator.java"), """
                import io.fabric8.kubernetes.client.KubernetesClient;
                class Rotator {
                    void run(KubernetesClient client, Object secret, Object policy) {
                        client.secrets().inNamespace("flux-system").resource(secret).update();
                        client.configMaps().inNamespace("x").list();
                        client.pods().inNamespace("x").withName("y").isReady();
                        client.resource(policy).updateStatus();
                        var hooks = client.admissionRegistration().v1().validatingWebhookConfigurations();
                        hooks.withName("a").get();
                        hooks.withName("a").patch("[]");
                        client.leaderElector().withConfig(null).build().start();
                        client.v1().events().inNamespace("x").resource(secret).patch(PatchContext.of(PatchType.JSON_MERGE), "{}");
                        client.v1().events().inNamespace("x").withName("y").patch(PatchContext.of(PatchType.JSON_MERGE), "{}");
                        Pem.certificates(secret);
                    }
                }
                """);
        assertThat(KubernetesApiCalls.scan(dir)).containsExactly(
                new Call("Rotator.java", "secrets()", Set.of("update")),
                new Call("Rotator.java", "configMaps()", Set.of("list")),
                new Call("Rotator.java", "pods()", Set.of()),
                new Call("Rotator.java", "resource(policy)", Set.of("update")),
                new Call("Rotator.java", "admissionRegistration().v1().validatingWebhookConfigurations()",
                        Set.of("get", "patch")),
                new Call("Rotator.java", "leaderElector()", Set.of("get", "create", "patch")),
                // fabric8 patches an object it was given as it is, and reads one it was only named.
                new Call("Rotator.java", "v1().events()", Set.of("patch")),
                new Call("Rotator.java", "v1().events()", Set.of("get", "patch")));
    }

    @Test
    void everyRoleGrantsExactlyWhatTheCodeCalls() {
        Set<String> roles = CALLS.stream().map(Expected::role).filter(r -> !NOT_OURS.contains(r))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(roles).containsExactlyInAnyOrder(CLUSTER, CERTIFICATES, LEADER, WEBHOOK_CONFIGURATIONS, TRUSTED_ROOTS,
                ENGINE);
        for (String role : roles) {
            List<ObjectNode> rendered = role.equals(ENGINE) ? engine : base;
            Set<String> needed = new TreeSet<>();
            CALLS.stream().filter(c -> c.role().equals(role)).forEach(c -> c.verbs().forEach(v -> needed.add(
                    grant(c.group(), c.resource(), v.equals("create") ? List.of() : c.names(), v))));
            if (role.equals(ENGINE)) {
                needed.addAll(ENGINE_IMPERSONATION);
            }
            String[] kindAndName = role.split(" ");
            ObjectNode shipped = Kustomization.one(rendered, kindAndName[0], kindAndName[1]);
            Set<String> granted = new TreeSet<>();
            for (JsonNode rule : shipped.path("rules")) {
                assertThat(rule.has("nonResourceURLs")).isFalse();
                List<String> names = stream(rule.path("resourceNames")).map(JsonNode::asText).sorted().toList();
                for (JsonNode g : rule.path("apiGroups")) {
                    for (JsonNode r : rule.path("resources")) {
                        rule.path("verbs").forEach(v -> granted.add(grant(g.asText(), r.asText(), names, v.asText())));
                    }
                }
            }
            assertThat(granted).as(role).noneMatch(g -> g.contains("*")).isEqualTo(needed);
            assertBoundTo(Kustomization.one(rendered, kindAndName[0] + "Binding", kindAndName[1]), kindAndName[0],
                    kindAndName[1]);
            if (kindAndName[0].equals("Role")) {
                assertThat(Manifests.namespace(shipped)).isEqualTo("flux-system");
            }
        }
    }

    @Test
    void theCertificateAndLeaderGrantsArePinnedToTheCodesNames() throws Exception {
        assertThat(List.of(SERVING_SECRET, CA_SECRET, LEASE)).containsExactly(
                defaultOf(CertificatesConfig.class, "secretName"), defaultOf(CertificatesConfig.class, "caSecretName"),
                defaultOf(LeaderConfig.class, "leaseName"));
        assertThat(CALLS).filteredOn(c -> List.of(CERTIFICATES, LEADER, WEBHOOK_CONFIGURATIONS).contains(c.role()))
                .allSatisfy(c -> assertThat(c.names()).isNotEmpty());
        assertThat(CALLS).filteredOn(c -> !List.of(CERTIFICATES, LEADER, WEBHOOK_CONFIGURATIONS).contains(c.role()))
                .allSatisfy(c -> assertThat(c.names()).isEmpty());
        assertThat(defaultOf(CertificatesConfig.class, "validatingWebhookConfigurations")).isEqualTo("fleetwarden");
        assertThat(defaultOf(CertificatesConfig.class, "mutatingWebhookConfigurations")).isEqualTo("fleetwarden-defaults");
    }

    @Test
    void noOtherRbacIsShipped() {
        assertThat(base.stream().filter(o -> Manifests.kind(o).endsWith("Role") || Manifests.kind(o).endsWith("RoleBinding"))
                .map(o -> Manifests.kind(o) + " " + Manifests.name(o))).containsExactlyInAnyOrder(CLUSTER,
                "ClusterRoleBinding fleetwarden", CERTIFICATES, "RoleBinding fleetwarden-certificates", LEADER,
                "RoleBinding fleetwarden-leader", WEBHOOK_CONFIGURATIONS,
                "ClusterRoleBinding fleetwarden-webhook-configurations", TRUSTED_ROOTS,
                "RoleBinding fleetwarden-trusted-roots");
    }

    @Test
    void theEngineOverlayAddsOnlyTheEngineRoleAndSwitchesTheMode() {
        List<String> baseRbac = base.stream().filter(o -> Manifests.kind(o).contains("Role"))
                .map(o -> Manifests.kind(o) + " " + Manifests.name(o)).toList();
        List<String> engineRbac = engine.stream().filter(o -> Manifests.kind(o).contains("Role"))
                .map(o -> Manifests.kind(o) + " " + Manifests.name(o)).toList();
        assertThat(engineRbac).containsAll(baseRbac).hasSize(baseRbac.size() + 4)
                .contains(ENGINE, "ClusterRoleBinding fleetwarden-engine", "ClusterRole flux-edit", "ClusterRole flux-view");
        JsonNode env = Kustomization.one(engine, "Deployment", "fleetwarden").at("/spec/template/spec/containers/0/env");
        assertThat(stream(env).filter(e -> e.path("name").asText().equals("FLEETWARDEN_MODE")).toList())
                .singleElement().satisfies(e -> assertThat(e.path("value").asText()).isEqualTo("engine"));
    }

    /**
     * The aggregated roles engine mode ships in Flux's place are Flux's own, as the pinned Flux distribution
     * (bin/flux-distribution, rbac.yaml) defines them: names, aggregation labels and rules.
     */
    @Test
    void theEngineOverlaysAggregatedRolesAreFluxsOwn() throws Exception {
        java.nio.file.Path rbac = io.fleetwarden.testing.CachedBuild.output("bin/flux-distribution", 10).resolve("rbac.yaml");
        com.fasterxml.jackson.databind.ObjectMapper yaml = new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        List<JsonNode> flux = new java.util.ArrayList<>();
        yaml.readerFor(JsonNode.class).readValues(java.nio.file.Files.readString(rbac)).forEachRemaining(o -> flux.add((JsonNode) o));
        for (String name : List.of("flux-edit", "flux-view")) {
            JsonNode theirs = flux.stream().filter(o -> o.path("kind").asText().equals("ClusterRole")
                    && o.at("/metadata/name").asText().equals(name)).findFirst().orElseThrow();
            ObjectNode ours = Kustomization.one(engine, "ClusterRole", name);
            assertThat(ours.at("/metadata/labels")).as(name).isEqualTo(theirs.at("/metadata/labels"));
            assertThat(ours.path("rules")).as(name).isEqualTo(theirs.path("rules"));
        }
    }

    private static String grant(String group, String resource, List<String> names, String verb) {
        return (group.isEmpty() ? "" : group + "/") + resource + " " + names.stream().sorted().toList() + " " + verb;
    }

    private static String defaultOf(Class<?> mapping, String method) throws NoSuchMethodException {
        return mapping.getMethod(method).getAnnotation(WithDefault.class).value();
    }

    static void assertBoundTo(ObjectNode binding, String kind, String name) {
        assertThat(binding.at("/roleRef/kind").asText()).isEqualTo(kind);
        assertThat(binding.at("/roleRef/name").asText()).isEqualTo(name);
        assertThat(stream(binding.path("subjects"))).singleElement().satisfies(s -> {
            assertThat(s.path("kind").asText()).isEqualTo("ServiceAccount");
            assertThat(s.path("name").asText()).isEqualTo("fleetwarden");
            assertThat(s.path("namespace").asText()).isEqualTo("flux-system");
        });
    }
}
