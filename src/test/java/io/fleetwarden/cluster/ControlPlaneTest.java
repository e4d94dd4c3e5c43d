package io.fleetwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.TestNamespaces;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the real control plane gives that the mock API server did not, and the reconciler will rely on:
 * server-side apply with field ownership, RBAC, service account tokens and impersonation, and the
 * controller manager's work (namespace deletion, garbage collection, Deployment status).
 */
class ControlPlaneTest {

    private static ControlPlane plane;
    private static KubernetesClient admin;
    private static String ns;

    @BeforeAll
    static void start() {
        plane = ControlPlane.shared();
        admin = plane.adminClient();
        ns = TestNamespaces.create(admin, "control-plane");
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    @Test
    void serverSideApplyTracksFieldOwnersAndRefusesConflicts() {
        ConfigMap mine = new ConfigMapBuilder().withNewMetadata().withName("owned").withNamespace(ns).endMetadata()
                .withData(Map.of("color", "blue")).build();
        admin.resource(mine).fieldManager("fleetwarden").serverSideApply();
        ConfigMap theirs = new ConfigMapBuilder(mine).withData(Map.of("color", "red")).build();

        assertThatThrownBy(() -> admin.resource(theirs).fieldManager("someone-else").serverSideApply())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining("conflict");
        ConfigMap applied = admin.configMaps().inNamespace(ns).withName("owned").get();
        assertThat(applied.getData()).containsEntry("color", "blue");
        assertThat(applied.getMetadata().getManagedFields()).anyMatch(f -> f.getManager().equals("fleetwarden")
                && f.getOperation().equals("Apply"));
    }

    @Test
    void rbacRefusesAUserWithoutARole() {
        try (KubernetesClient nobody = ControlPlane.clientFor(plane.userKubeconfig("nobody"))) {
            assertThatThrownBy(() -> nobody.configMaps().inNamespace(ns).list())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
                    .hasMessageContaining("User \"nobody\" cannot list resource \"configmaps\"");
        }
    }

    @Test
    void serviceAccountTokensAuthenticateAndImpersonationActsAsTheAccount() {
        admin.resource(new ServiceAccountBuilder().withNewMetadata().withName("tenant").withNamespace(ns).endMetadata()
                .build()).create();
        String token = admin.serviceAccounts().inNamespace(ns).withName("tenant")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(600L).endSpec().build())
                .getStatus().getToken();

        try (KubernetesClient asAccount = ControlPlane.clientFor(plane.tokenKubeconfig(token))) {
            assertThatThrownBy(() -> asAccount.secrets().inNamespace(ns).list())
                    .hasMessageContaining("system:serviceaccount:" + ns + ":tenant");
        }
        var impersonating = new io.fabric8.kubernetes.client.ConfigBuilder(admin.getConfiguration())
                .withImpersonateUsername("system:serviceaccount:" + ns + ":tenant").build();
        try (KubernetesClient asTenant = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(impersonating).build()) {
            assertThatThrownBy(() -> asTenant.configMaps().inNamespace(ns).list())
                    .hasMessageContaining("system:serviceaccount:" + ns + ":tenant");
        }
    }

    @Test
    void controllerManagerGivesDeploymentsAStatusAndCollectsOwnedObjects() {
        Deployment deployment = admin.resource(new DeploymentBuilder().withNewMetadata().withName("idle").withNamespace(ns)
                .endMetadata().withNewSpec().withReplicas(0).withNewSelector().addToMatchLabels("app", "idle").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "idle").endMetadata().withNewSpec()
                .addNewContainer().withName("app").withImage("example.invalid/idle:1").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        ConfigMap owned = admin.resource(new ConfigMapBuilder().withNewMetadata().withName("owned-by-idle").withNamespace(ns)
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName("idle")
                .withUid(deployment.getMetadata().getUid()).endOwnerReference().endMetadata().build()).create();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Deployment d = admin.apps().deployments().inNamespace(ns).withName("idle").get();
            assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
            assertThat(d.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Available")
                    && c.getStatus().equals("True"));
        });
        admin.resource(deployment).delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.resource(owned).get() == null);
    }

    @Test
    void namespacesFinishDeleting() {
        String doomed = TestNamespaces.create(admin, "doomed");
        admin.resource(new ConfigMapBuilder().withNewMetadata().withName("content").withNamespace(doomed).endMetadata()
                .build()).create();

        admin.namespaces().withName(doomed).delete();

        await().atMost(Duration.ofSeconds(60)).until(() -> admin.namespaces().withName(doomed).get() == null);
    }

    @Test
    void oursAndFluxsCustomResourcesAreServed() {
        assertThat(admin.apiextensions().v1().customResourceDefinitions().list().getItems())
                .extracting(crd -> crd.getMetadata().getName())
                .contains("artifactpolicies.fleetwarden.io", "tenancypolicies.fleetwarden.io",
                        "ocirepositories.source.toolkit.fluxcd.io", "kustomizations.kustomize.toolkit.fluxcd.io",
                        "resourcesets.fluxcd.controlplane.io");
        assertThat(admin.getKubernetesVersion().getGitVersion()).isEqualTo("v1.36.3");
        System.out.println("control plane started in " + plane.startup().toMillis() + " ms");
    }

    @Test
    void theApiServerLabelsNamespacesWithTheirName() {
        String created = TestNamespaces.create(admin, "labelled", Map.of("toolkit.fluxcd.io/role", "tenant"));
        assertThat(admin.namespaces().withName(created).get().getMetadata().getLabels())
                .containsEntry("toolkit.fluxcd.io/role", "tenant").containsEntry("kubernetes.io/metadata.name", created);
    }
}
