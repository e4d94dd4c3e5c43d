package io.fleetwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.testing.cluster.GateOnCluster;
import io.fleetwarden.testing.cluster.TestNamespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The multi-tenancy lockdown through the real API server: a tenant's writes, made as the tenant's service
 * account (impersonated, as kustomize-controller does), are judged by the tenancy webhook, and the mutating
 * webhook's default service account is applied by the server itself.
 */
class TenancyThroughApiServerIT {

    private static GateOnCluster gate;
    private static KubernetesClient admin;
    private static KubernetesClient tenant;
    private static String ns;

    @BeforeAll
    static void start() {
        gate = GateOnCluster.shared();
        admin = gate.plane().adminClient();
        ns = TestNamespaces.create(admin, "tenant", Map.of("toolkit.fluxcd.io/role", "tenant"));
        admin.resource(new ServiceAccountBuilder().withNewMetadata().withName("flux").withNamespace(ns).endMetadata()
                .build()).create();
        admin.resource(new RoleBuilder().withNewMetadata().withName("flux-objects").withNamespace(ns).endMetadata()
                .addNewRule().withApiGroups("kustomize.toolkit.fluxcd.io", "source.toolkit.fluxcd.io")
                .withResources("kustomizations", "ocirepositories").withVerbs("*").endRule().build()).create();
        admin.resource(new RoleBindingBuilder().withNewMetadata().withName("flux-objects").withNamespace(ns).endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "flux-objects")
                .addNewSubject().withKind("ServiceAccount").withName("flux").withNamespace(ns).endSubject().build()).create();
        tenant = new KubernetesClientBuilder().withConfig(new ConfigBuilder(admin.getConfiguration())
                .withImpersonateUsername("system:serviceaccount:" + ns + ":flux").build()).build();
    }

    @AfterAll
    static void close() {
        tenant.close();
        admin.close();
    }

    private static GenericKubernetesResource kustomization(String name, String sourceNamespace, String serviceAccount) {
        return Serialization.unmarshal("""
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: %s, namespace: %s}
                spec:
                  interval: 5m
                  path: ./
                  prune: true
                  %s
                  sourceRef: {kind: OCIRepository, name: apps, namespace: %s}
                """.formatted(name, ns, serviceAccount == null ? "" : "serviceAccountName: " + serviceAccount,
                sourceNamespace), GenericKubernetesResource.class);
    }

    @Test
    void aTenantKustomizationReadingAnotherNamespacesSourceIsRefused() {
        // It names its service account, so the API server skips the mutating webhook and the validating one refuses it.
        assertThatThrownBy(() -> tenant.resource(kustomization("steal", "flux-system", "flux")).create())
                .hasMessageContaining("admission webhook \"tenancy.fleetwarden.io\" denied the request: "
                        + "fleetwarden tenancy: [ref.cross-namespace] spec.sourceRef.namespace")
                .hasMessageContaining("got \"flux-system\"");
        assertThat(admin.resource(kustomization("steal", "flux-system", "flux")).get()).isNull();
    }

    @Test
    void withoutAServiceAccountTheMutatingWebhookRefusesItFirst() {
        // The mutating webhook runs before the validating ones and judges too, so the API server reports its refusal.
        assertThatThrownBy(() -> tenant.resource(kustomization("steal-defaulted", "flux-system", null)).create())
                .hasMessageContaining("admission webhook \"tenancy-defaults.fleetwarden.io\" denied the request: "
                        + "fleetwarden tenancy: [ref.cross-namespace] spec.sourceRef.namespace");
        assertThat(admin.resource(kustomization("steal-defaulted", "flux-system", null)).get()).isNull();
    }

    @Test
    void onlyAnObjectWithoutItsServiceAccountIsSentToTheMutatingWebhook() throws IOException {
        tenant.resource(kustomization("names-its-account", ns, "flux")).create();
        GenericKubernetesResource empty = tenant.resource(kustomization("empty-account", ns, "''")).create();

        // The service logs every review it answers (the line is written before the answer is returned).
        String log = Files.readString(gate.cluster().service().log());
        assertThat(log).containsPattern(reviewed("/validate/tenancy", "names-its-account"))
                .doesNotContainPattern(reviewed("/mutate/tenancy", "names-its-account"))
                .containsPattern(reviewed("/mutate/tenancy", "empty-account"))
                .containsPattern(reviewed("/validate/tenancy", "empty-account"));
        assertThat(empty.<Map<String, Object>>get("spec")).as("an empty name is defaulted like a missing one")
                .containsEntry("serviceAccountName", "flux");
    }

    private static String reviewed(String path, String name) {
        return "(?m)^.*admission path=" + path + " .* namespace=" + ns + " name=" + name + " operation=CREATE ";
    }

    @Test
    void theServerAppliesTheTenantsDefaultServiceAccountFromTheMutatingWebhook() {
        GenericKubernetesResource created = tenant.resource(kustomization("defaulted", ns, null)).create();

        assertThat(created.<Map<String, Object>>get("spec")).containsEntry("serviceAccountName", "flux");
        assertThat(admin.resource(created).get().<Map<String, Object>>get("spec"))
                .containsEntry("serviceAccountName", "flux");
    }

    @Test
    void aTenantSourceOutsideItsAllowlistIsRefused() {
        GenericKubernetesResource source = Serialization.unmarshal("""
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: OCIRepository
                metadata: {name: elsewhere, namespace: %s}
                spec: {interval: 5m, url: "oci://registry.example.com/someone/else", ref: {tag: latest}}
                """.formatted(ns), GenericKubernetesResource.class);

        // Both validating webhooks refuse it (the tenancy rules, and the signature gate: no policy covers it); the
        // API server calls them in parallel and reports whichever answers first.
        assertThatThrownBy(() -> tenant.resource(source).create())
                .hasMessageMatching("(?s).*admission webhook \"(tenancy|ocirepository)\\.fleetwarden\\.io\" denied the "
                        + "request: fleetwarden( tenancy)?: .*")
                .hasMessageContaining("oci://registry.example.com/someone/else");
    }
}
