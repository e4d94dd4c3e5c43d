package io.fleetwarden.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.apply.PruneResult.Outcome;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.TestNamespaces;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Prune as the tenant on the real API server: only what is still ours, never what opted out, refusals kept. */
class PrunerOnApiServerTest {

    private static final Map<String, String> OURS = Map.of("kustomize.toolkit.fluxcd.io/name", "apps",
            "kustomize.toolkit.fluxcd.io/namespace", "flux-system");

    private static KubernetesClient admin;
    private static Pruner pruner;
    private static String ns;
    private static Impersonation tenant;

    @BeforeAll
    static void start() {
        ControlPlane plane = ControlPlane.shared();
        admin = plane.adminClient();
        pruner = new Pruner(admin, new ResourceMapping(admin));
        ns = TestNamespaces.create(admin, "prune");
        // The tenant may delete ConfigMaps but not Secrets, so a Secret's deletion is refused.
        admin.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName("deployer").endMetadata().build()).create();
        admin.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName("deployer")
                .endMetadata().withRules(
                        new PolicyRuleBuilder().withApiGroups("").withResources("configmaps")
                                .withVerbs("get", "list", "watch", "create", "patch", "delete").build(),
                        new PolicyRuleBuilder().withApiGroups("").withResources("secrets")
                                .withVerbs("get", "list", "watch", "create", "patch").build()).build()).create();
        admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("deployer").endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role").withName("deployer").endRoleRef().addNewSubject().withKind("ServiceAccount")
                .withName("deployer").withNamespace(ns).endSubject().build()).create();
        tenant = Impersonation.serviceAccount(ns, "deployer");
    }

    @AfterAll
    static void stop() {
        admin.close();
    }

    private static ObjectRef configMap(String name, Map<String, String> labels, Map<String, String> annotations) {
        admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                .withLabels(labels).withAnnotations(annotations).endMetadata().build()).create();
        return new ObjectRef("", "v1", "ConfigMap", ns, name);
    }

    @Test
    void deletesOnlyOwnedObjectsThatDidNotOptOutAndKeepsRefusedOnes() {
        ObjectRef owned = configMap("owned", OURS, Map.of());
        ObjectRef disabled = configMap("disabled", OURS, Map.of("kustomize.toolkit.fluxcd.io/prune", "disabled"));
        ObjectRef disabledByLabel = configMap("disabled-label",
                Map.of("kustomize.toolkit.fluxcd.io/name", "apps", "kustomize.toolkit.fluxcd.io/namespace",
                        "flux-system", "kustomize.toolkit.fluxcd.io/prune", "Disabled"), Map.of());
        ObjectRef other = configMap("taken-over", Map.of("kustomize.toolkit.fluxcd.io/name", "other",
                "kustomize.toolkit.fluxcd.io/namespace", "flux-system"), Map.of());
        ObjectRef gone = new ObjectRef("", "v1", "ConfigMap", ns, "never-existed");
        admin.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("guarded")
                .withLabels(OURS).endMetadata().build()).create();
        ObjectRef refused = new ObjectRef("", "v1", "Secret", ns, "guarded");

        PruneResult result = pruner.prune(List.of(owned, disabled, disabledByLabel, other, gone, refused), tenant,
                OURS, DeletionPolicy.MIRROR_PRUNE, Instant.now().plus(Duration.ofSeconds(30)));

        assertThat(result.outcomes()).extracting(p -> p.ref().name() + ":" + p.outcome()).containsExactlyInAnyOrder(
                "owned:DELETED", "disabled:PRUNE_DISABLED", "disabled-label:PRUNE_DISABLED",
                "taken-over:NOT_OWNED", "never-existed:GONE");
        assertThat(result.succeeded()).isFalse();
        assertThat(result.remaining()).containsExactly(refused);
        assertThat(result.failures().get(0).message()).startsWith("serviceaccount " + ns
                + "/deployer cannot delete Secret \"guarded\" in namespace " + ns + ": ");
        assertThat(admin.configMaps().inNamespace(ns).withName("owned").get()).isNull();
        assertThat(admin.configMaps().inNamespace(ns).withName("disabled").get()).isNotNull();
        assertThat(admin.configMaps().inNamespace(ns).withName("taken-over").get()).isNotNull();
        assertThat(admin.secrets().inNamespace(ns).withName("guarded").get()).isNotNull();

        // The refused object stays in the next inventory, so the next reconcile tries it again (#1664).
        Inventory next = Inventory.empty().withSurvivors(result.remaining());
        assertThat(next.entries()).extracting(Inventory.Entry::id).containsExactly(ns + "_guarded__Secret");
    }

    @Test
    void deletionPoliciesOnTheKustomizationsRemoval() {
        ObjectRef a = configMap("policy-a", OURS, Map.of());
        Inventory inventory = Inventory.of(List.of(a));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));

        PruneResult mirrorWithoutPrune = pruner.deleteAll(inventory, tenant, OURS, DeletionPolicy.MIRROR_PRUNE,
                false, deadline);
        assertThat(mirrorWithoutPrune.outcomes()).extracting(PruneResult.Pruned::outcome)
                .containsExactly(Outcome.ORPHANED);
        PruneResult orphan = pruner.deleteAll(inventory, tenant, OURS, DeletionPolicy.ORPHAN, true, deadline);
        assertThat(orphan.outcomes()).extracting(PruneResult.Pruned::outcome).containsExactly(Outcome.ORPHANED);
        assertThat(admin.configMaps().inNamespace(ns).withName("policy-a").get()).isNotNull();

        PruneResult waited = pruner.deleteAll(inventory, tenant, OURS, DeletionPolicy.WAIT_FOR_TERMINATION, false,
                deadline);
        assertThat(waited.outcomes()).extracting(PruneResult.Pruned::outcome).containsExactly(Outcome.TERMINATED);
        assertThat(admin.configMaps().inNamespace(ns).withName("policy-a").get()).isNull();

        assertThat(DeletionPolicy.fromSpec("WaitForTermination")).isEqualTo(DeletionPolicy.WAIT_FOR_TERMINATION);
        assertThatThrownBy(() -> DeletionPolicy.fromSpec("Destroy")).hasMessage(
                "spec.deletionPolicy 'Destroy' is not one of MirrorPrune, Delete, WaitForTermination, Orphan");
        assertThatThrownBy(() -> pruner.prune(List.of(a), tenant, Map.of(), DeletionPolicy.DELETE, deadline))
                .hasMessageContaining("pruning needs the owner labels");
    }
}
