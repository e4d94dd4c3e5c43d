package io.fleetwarden.apply;

import static io.fleetwarden.apply.ApplyFixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fleetwarden.apply.ApplyResult.Action;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.TestNamespaces;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The applier against the real API server: writes, no-op passes, drift, stages, tenants, immutable fields. */
class ApplierOnApiServerTest {

    private static final ApplyOptions OPTIONS = new ApplyOptions("fleetwarden", false);
    private static final ApplyOptions FORCE = new ApplyOptions("fleetwarden", true);

    private static ControlPlane plane;
    private static KubernetesClient admin;
    private static final ApplyFixtures.RequestCounter COUNTER = new ApplyFixtures.RequestCounter();
    private static KubernetesClient service;
    private static Applier applier;
    private static String ns;

    @BeforeAll
    static void start() {
        plane = ControlPlane.shared();
        admin = plane.adminClient();
        service = ApplyFixtures.countingAdmin(plane, COUNTER);
        applier = new Applier(service);
        ns = TestNamespaces.create(admin, "apply");
    }

    @AfterAll
    static void stop() {
        service.close();
        admin.close();
    }

    private static Instant deadline() {
        return Instant.now().plus(Duration.ofSeconds(60));
    }

    private ObjectNode configMap(String name, String value) {
        return yaml("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: %s, namespace: %s}
                data: {key: "%s"}
                """.formatted(name, ns, value));
    }

    @Test
    void createsThenASecondIdenticalApplyWritesNothingAndAHandEditIsCorrected() {
        List<ObjectNode> objects = List.of(configMap("settings", "one"), yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: %s}
                spec:
                  replicas: 0
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - name: web
                        image: registry.example/web:1
                        ports: [{containerPort: 8080}]
                        resources: {limits: {cpu: 1, memory: 128Mi}, requests: {cpu: "0.1"}}
                """.formatted(ns)));
        ApplyResult first = applier.apply(objects, Impersonation.NONE, OPTIONS, deadline());
        assertThat(first.failures()).isEmpty();
        assertThat(first.applied()).extracting(ApplyResult.Applied::action).containsExactly(Action.CREATED,
                Action.CREATED);
        // The controller manager writes the Deployment's status, so the ConfigMap's resourceVersion and the
        // Deployment's generation are what show that nothing of ours was written.
        String resourceVersion = first.applied().get(0).live().path("metadata").path("resourceVersion").asText();
        long generation = first.applied().get(1).live().path("metadata").path("generation").asLong();

        COUNTER.reset();
        ApplyResult second = applier.apply(objects, Impersonation.NONE, OPTIONS, deadline());
        assertThat(second.succeeded()).isTrue();
        assertThat(second.applied()).extracting(ApplyResult.Applied::action).containsExactly(Action.UNCHANGED,
                Action.UNCHANGED);
        System.out.println("no-op pass over 2 objects: " + COUNTER.count("GET") + " GET, " + COUNTER.writes()
                + " writes");
        assertThat(COUNTER.writes()).isZero();
        assertThat(COUNTER.count("GET")).isEqualTo(2);
        assertThat(admin.configMaps().inNamespace(ns).withName("settings").get().getMetadata()
                .getResourceVersion()).isEqualTo(resourceVersion);
        assertThat(admin.apps().deployments().inNamespace(ns).withName("web").get().getMetadata()
                .getGeneration()).isEqualTo(generation);
        assertThat(second.applied().get(1).live().path("spec").path("replicas").asInt()).isZero();

        // Another manager changes a field we set: the next pass applies ours back.
        PatchContext intruder = PatchContext.of(PatchType.SERVER_SIDE_APPLY);
        intruder.setFieldManager("hand-edit");
        intruder.setForce(true);
        admin.configMaps().inNamespace(ns).withName("settings").patch(intruder,
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\"},"
                        + "\"data\":{\"key\":\"edited\"}}");
        COUNTER.reset();
        ApplyResult third = applier.apply(objects, Impersonation.NONE, OPTIONS, deadline());
        assertThat(third.applied().get(0).action()).isEqualTo(Action.CONFIGURED);
        assertThat(third.applied().get(0).drift()).contains(".data.key");
        assertThat(third.applied().get(0).live().path("data").path("key").asText()).isEqualTo("one");
        assertThat(COUNTER.writes()).isEqualTo(1);
        assertThat(admin.configMaps().inNamespace(ns).withName("settings").get().getData()).containsEntry("key", "one");
    }

    @Test
    void theObjectsOfAStageAreAppliedFourAtATimeAndComeBackInTheirOrder() {
        List<ObjectNode> objects = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            objects.add(configMap("parallel-" + (char) ('a' + i), "v" + i));
        }
        COUNTER.reset();
        Thread caller = Thread.currentThread();
        ApplyResult result = applier.apply(objects, Impersonation.NONE, OPTIONS, deadline());
        assertThat(result.failures()).isEmpty();
        assertThat(result.applied()).extracting(a -> a.ref().name())
                .containsExactlyElementsOf(objects.stream().map(o -> o.at("/metadata/name").asText()).toList());
        assertThat(result.applied()).allSatisfy(a -> assertThat(a.action()).isEqualTo(Action.CREATED));
        // One read and one apply per object, from the calling thread and at most three helpers.
        assertThat(COUNTER.count("GET")).isEqualTo(12);
        assertThat(COUNTER.count("PATCH")).isEqualTo(12);
        assertThat(COUNTER.senders()).contains(caller).hasSizeBetween(2, Applier.CONCURRENCY);
        for (int i = 0; i < 12; i++) {
            assertThat(admin.configMaps().inNamespace(ns).withName("parallel-" + (char) ('a' + i)).get().getData())
                    .containsEntry("key", "v" + i);
        }
    }

    @Test
    void aCrdAndItsObjectsInOneApply() {
        ObjectNode crd = yaml("""
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: gadgets.apply-test.fleetwarden.io}
                spec:
                  group: apply-test.fleetwarden.io
                  scope: Namespaced
                  names: {plural: gadgets, singular: gadget, kind: Gadget, listKind: GadgetList}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec: {type: object, properties: {size: {type: integer}}}
                """);
        ObjectNode gadget = yaml("""
                apiVersion: apply-test.fleetwarden.io/v1
                kind: Gadget
                metadata: {name: g1, namespace: %s}
                spec: {size: 3}
                """.formatted(ns));
        ApplyResult result = applier.apply(List.of(gadget, crd), Impersonation.NONE, OPTIONS, deadline());
        assertThat(result.failures()).isEmpty();
        assertThat(result.applied()).extracting(a -> a.ref().kind() + ":" + a.action())
                .containsExactly("CustomResourceDefinition:CREATED", "Gadget:CREATED");
        assertThat(result.inventory().entries()).extracting(Inventory.Entry::id).containsExactly(
                "_gadgets.apply-test.fleetwarden.io_apiextensions.k8s.io_CustomResourceDefinition",
                ns + "_g1_apply-test.fleetwarden.io_Gadget");
        assertThat(result.applied().get(1).live().path("spec").path("size").asInt()).isEqualTo(3);
    }

    @Test
    void aNamespaceAndObjectsInItInOneApply() {
        String fresh = "apply-fresh-" + ProcessHandle.current().pid();
        ObjectNode namespace = yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: " + fresh + "}\n");
        ObjectNode inside = yaml("""
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: inside, namespace: %s}
                """.formatted(fresh));
        try {
            ApplyResult result = applier.apply(List.of(inside, namespace), Impersonation.NONE, OPTIONS, deadline());
            assertThat(result.failures()).isEmpty();
            assertThat(result.applied()).extracting(a -> a.ref().toString())
                    .containsExactly("Namespace " + fresh, "ServiceAccount " + fresh + "/inside");
            assertThat(admin.serviceAccounts().inNamespace(fresh).withName("inside").get()).isNotNull();
        } finally {
            admin.namespaces().withName(fresh).delete();
        }
    }

    @Test
    void aFailedStageStopsTheLaterOnes() {
        ObjectNode invalid = yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: Not_A_Valid_Name}\n");
        ApplyResult result = applier.apply(List.of(configMap("after-bad-stage", "x"), invalid),
                Impersonation.NONE, OPTIONS, deadline());
        assertThat(result.succeeded()).isFalse();
        assertThat(result.failures()).singleElement().satisfies(f -> assertThat(f.message())
                .startsWith("Namespace Not_A_Valid_Name: create failed (HTTP 422)"));
        assertThat(result.notAttempted()).extracting(ObjectRef::name).containsExactly("after-bad-stage");
        assertThat(admin.configMaps().inNamespace(ns).withName("after-bad-stage").get()).isNull();
    }

    @Test
    void aTenantAppliesInItsNamespaceAndIsRefusedElsewhereWithClearMessages() {
        String tenantNs = TestNamespaces.create(admin, "apply-tenant");
        admin.serviceAccounts().inNamespace(tenantNs).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("deployer").endMetadata().build()).create();
        admin.rbac().roleBindings().inNamespace(tenantNs).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("deployer-admin").endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole").withName("admin").endRoleRef().addNewSubject().withKind("ServiceAccount")
                .withName("deployer").withNamespace(tenantNs).endSubject().build()).create();
        Impersonation tenant = Impersonation.serviceAccount(tenantNs, "deployer");
        ObjectNode own = yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: own, namespace: " + tenantNs
                + "}\ndata: {a: b}\n");
        ObjectNode elsewhere = configMap("not-yours", "x");
        ObjectNode clusterWide = yaml("""
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: tenant-escalation-%s}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects: [{kind: ServiceAccount, name: deployer, namespace: %s}]
                """.formatted(tenantNs, tenantNs));

        ApplyResult result = applier.apply(List.of(own, elsewhere, clusterWide), tenant, OPTIONS, deadline());

        assertThat(result.succeeded()).isFalse();
        assertThat(result.applied()).extracting(a -> a.ref().name() + ":" + a.action()).containsExactly("own:CREATED");
        assertThat(admin.configMaps().inNamespace(tenantNs).withName("own").get().getMetadata().getManagedFields())
                .anySatisfy(f -> assertThat(f.getManager()).isEqualTo("fleetwarden"));
        result.failures().forEach(f -> System.out.println("tenant refusal: " + f.message()));
        assertThat(result.failures()).extracting(ApplyResult.Failure::message).satisfiesExactly(
                m -> assertThat(m).startsWith("serviceaccount " + tenantNs + "/deployer cannot ")
                        .contains("ClusterRoleBinding \"tenant-escalation-" + tenantNs + "\" (cluster-scoped): ")
                        .contains("system:serviceaccount:" + tenantNs + ":deployer"),
                m -> assertThat(m).startsWith("serviceaccount " + tenantNs + "/deployer cannot ")
                        .contains("ConfigMap \"not-yours\" in namespace " + ns + ": "));
        assertThat(admin.rbac().clusterRoleBindings().withName("tenant-escalation-" + tenantNs).get()).isNull();
        assertThat(admin.configMaps().inNamespace(ns).withName("not-yours").get()).isNull();
    }

    @Test
    void anImmutableFieldChangeIsRefusedWithoutForceAndRecreatedWithIt() {
        String job = """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: migrate, namespace: %s}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: m, image: "registry.example/migrate:%s"}]
                """;
        ApplyResult created = applier.apply(List.of(yaml(job.formatted(ns, "1"))), Impersonation.NONE, OPTIONS,
                deadline());
        assertThat(created.failures()).isEmpty();
        String uid = created.applied().get(0).live().path("metadata").path("uid").asText();

        ApplyResult refused = applier.apply(List.of(yaml(job.formatted(ns, "2"))), Impersonation.NONE, OPTIONS,
                deadline());
        assertThat(refused.succeeded()).isFalse();
        assertThat(refused.failures()).singleElement().satisfies(f -> assertThat(f.message())
                .startsWith("Job " + ns + "/migrate: field spec.template cannot be changed in place; set the"
                        + " Kustomization's spec.force or the object's kustomize.toolkit.fluxcd.io/force: enabled"
                        + " annotation to delete and recreate it (API server: "));

        ApplyResult forced = applier.apply(List.of(yaml(job.formatted(ns, "2"))), Impersonation.NONE, FORCE,
                deadline());
        assertThat(forced.failures()).isEmpty();
        assertThat(forced.applied().get(0).action()).isEqualTo(Action.RECREATED);
        var live = admin.batch().v1().jobs().inNamespace(ns).withName("migrate").get();
        assertThat(live.getMetadata().getUid()).isNotEqualTo(uid);
        assertThat(live.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example/migrate:2");
    }

    @Test
    void ifNotPresentCreatesOnceAndIgnoreNeverApplies() {
        String keep = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: seeded
                  namespace: %s
                  annotations: {kustomize.toolkit.fluxcd.io/ssa: IfNotPresent}
                data: {key: "%s"}
                """;
        ObjectNode ignored = yaml("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: ignored
                  namespace: %s
                  annotations: {kustomize.toolkit.fluxcd.io/ssa: ignore}
                """.formatted(ns));
        ApplyResult first = applier.apply(List.of(yaml(keep.formatted(ns, "seed")), ignored), Impersonation.NONE,
                OPTIONS, deadline());
        assertThat(first.applied()).extracting(a -> a.ref().name() + ":" + a.action())
                .containsExactly("ignored:SKIPPED", "seeded:CREATED");
        assertThat(admin.configMaps().inNamespace(ns).withName("ignored").get()).isNull();

        ApplyResult second = applier.apply(List.of(yaml(keep.formatted(ns, "changed"))), Impersonation.NONE,
                OPTIONS, deadline());
        assertThat(second.applied().get(0).action()).isEqualTo(Action.SKIPPED);
        ConfigMap live = admin.configMaps().inNamespace(ns).withName("seeded").get();
        assertThat(live.getData()).containsEntry("key", "seed");
        assertThat(second.applied().get(0).live().path("data").path("key").asText()).isEqualTo("seed");

        // An object someone marked Ignore in the cluster is left as it is, even if ours differs.
        admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("hands-off")
                .addToAnnotations("kustomize.toolkit.fluxcd.io/ssa", "Ignore").endMetadata()
                .addToData("key", "theirs").build()).create();
        ApplyResult third = applier.apply(List.of(configMap("hands-off", "ours")), Impersonation.NONE, OPTIONS,
                deadline());
        assertThat(third.applied().get(0).action()).isEqualTo(Action.SKIPPED);
        assertThat(admin.configMaps().inNamespace(ns).withName("hands-off").get().getData())
                .containsEntry("key", "theirs");
    }

    /** Flux Operator's applies (ResourceSets, a FluxInstance's sync) select nothing by kustomize-controller's annotations. */
    @Test
    void withoutKustomizeAnnotationsAnIgnoredObjectIsAppliedAsFluxOperatorAppliesIt() {
        ObjectNode ignored = yaml("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: operator-owned
                  namespace: %s
                  annotations: {kustomize.toolkit.fluxcd.io/ssa: Ignore}
                data: {key: ours}
                """.formatted(ns));
        ApplyOptions operator = new ApplyOptions("flux-operator", false, false);
        ApplyResult first = applier.apply(List.of(ignored), Impersonation.NONE, operator, deadline());
        assertThat(first.applied()).extracting(a -> a.ref().name() + ":" + a.action())
                .containsExactly("operator-owned:CREATED");
        assertThat(admin.configMaps().inNamespace(ns).withName("operator-owned").get().getData())
                .containsEntry("key", "ours");
        // kustomize-controller would leave the same object alone.
        assertThat(applier.apply(List.of(ignored), Impersonation.NONE, OPTIONS, deadline()).applied().get(0).action())
                .isEqualTo(Action.SKIPPED);
    }

    @Test
    void anUnknownKindNamesApiVersionAndKind() {
        ObjectNode unknown = yaml("apiVersion: nowhere.example/v9\nkind: Phantom\nmetadata: {name: p, namespace: "
                + ns + "}\n");
        ApplyResult result = applier.apply(List.of(unknown), Impersonation.NONE, OPTIONS, deadline());
        assertThat(result.failures()).singleElement().satisfies(f -> assertThat(f.message()).isEqualTo(
                "Phantom " + ns + "/p: the API server serves no kind Phantom in nowhere.example/v9 (it serves no API"
                        + " nowhere.example/v9 at all); is its CustomResourceDefinition installed and established?"));
    }
}
