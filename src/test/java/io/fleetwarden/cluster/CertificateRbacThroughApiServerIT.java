package io.fleetwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.testing.cluster.LocalCluster;
import io.fleetwarden.testing.cluster.SelfManagedOnCluster;
import io.fleetwarden.testing.cluster.WebhookRegistration;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The certificate rules of deploy/base/rbac-certificates.yaml are each needed: with one of them taken away
 * (the Role or ClusterRole server-side applied again without its rules, by the manager that applied it), the
 * self-managed service fails closed and says which grant is missing; given back, it recovers by itself.
 */
class CertificateRbacThroughApiServerIT {

    private static final Map<String, String> QUICK_CHECKS = Map.of("fleetwarden.certs.check-period", "1s");
    private static final String POLICY_PROBE = """
            apiVersion: fleetwarden.io/v1alpha1
            kind: ArtifactPolicy
            metadata: {name: rbac-probe}
            spec:
              sources: ["oci://rbac.invalid/*"]
              authorities:
                - keyless: {issuer: https://token.actions.githubusercontent.com, subjectRegExp: "^x$"}
            """;

    @Test
    void withoutTheSecretsRoleTheServiceDoesNotStartAndSaysWhy() throws Exception {
        try (LocalCluster cluster = SelfManagedOnCluster.fresh("no-secrets-role", QUICK_CHECKS);
                KubernetesClient admin = SelfManagedOnCluster.plane().adminClient()) {
            GenericKubernetesResource role = cluster.baseObject("Role", "fleetwarden-certificates");
            applyWithoutRules(admin, role);

            assertThatThrownBy(cluster::startService).isInstanceOf(IOException.class)
                    .hasMessageContaining("no certificate Secret was mounted: the service exited");
            // Reading is still allowed (rbac.yaml's ClusterRole gets any Secret, for spec.secretRef): creating is not.
            assertThat(cluster.service().output()).startsWith("fleetwarden cannot start: forbidden to create Secret"
                    + " flux-system/fleetwarden-webhook-ca: self-managed certificates need the Role fleetwarden-certificates");
            assertThat(admin.secrets().inNamespace(LocalCluster.NAMESPACE).withName("fleetwarden-webhook-ca").get()).isNull();
            cluster.stopService();

            // The Role is all it lacked: given back, the same service starts and bootstraps its certificates.
            apply(admin, role);
            cluster.startService();
            assertThat(cluster.mount().versions()).isNotEmpty();
        }
    }

    @Test
    void withoutTheWebhookConfigurationsRoleCaBundleIsNeverFilledAndTheLogSaysWhy() throws Exception {
        try (LocalCluster cluster = SelfManagedOnCluster.fresh("no-webhooks-role", QUICK_CHECKS);
                KubernetesClient admin = SelfManagedOnCluster.plane().adminClient()) {
            GenericKubernetesResource clusterRole = cluster.baseObject("ClusterRole", "fleetwarden-webhook-configurations");
            String why = "forbidden to read ValidatingWebhookConfiguration fleetwarden: self-managed certificates need the"
                    + " ClusterRole fleetwarden-webhook-configurations";
            applyWithoutRules(admin, clusterRole);

            // A fresh installation: the bootstrap pass cannot check the webhooks' trust, so it does not finish.
            assertThatThrownBy(cluster::startService).isInstanceOf(IOException.class)
                    .hasMessageContaining("the service exited");
            assertThat(cluster.service().output()).startsWith("fleetwarden cannot start: " + why);
            cluster.stopService();

            // A running installation that loses the grant (its Secrets exist and are mounted): it serves, but the
            // leader can never write caBundle, so the API server cannot call it, and every pass logs why.
            apply(admin, clusterRole);
            cluster.startService();
            cluster.stopService();
            applyWithoutRules(admin, clusterRole);
            cluster.startService();
            cluster.registerWebhooksWithoutWaiting();
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.service().output().contains("leader duty webhook-certificates failed")
                            && cluster.service().output().contains(why));
            assertThat(CertificateRotationThroughApiServerIT.allBundles(admin)).allSatisfy(b -> assertThat(b).isEmpty());
            // Fail closed: the API server refuses what the webhook judges rather than let it through.
            assertThatThrownBy(() -> admin.resource(Serialization.unmarshal(POLICY_PROBE, GenericKubernetesResource.class))
                    .dryRun().create()).hasMessageContaining("failed calling webhook \"policy.fleetwarden.io\"");

            // Given back, the leader's next pass fills caBundle and the API server calls the webhook again.
            apply(admin, clusterRole);
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> CertificateRotationThroughApiServerIT.allBundles(admin).stream().noneMatch(List::isEmpty));
            WebhookRegistration.awaitEnforced(admin);
        }
    }

    /** Server-side applies {@code role} without its rules, as the manager that applied it: the rules are removed. */
    private static void applyWithoutRules(KubernetesClient admin, GenericKubernetesResource role) {
        GenericKubernetesResource without = Serialization.clone(role);
        without.getAdditionalProperties().remove("rules");
        apply(admin, without);
        assertThat((Object) admin.resource(role).get().get("rules")).as("rules of %s after the apply", role.getMetadata()
                .getName()).satisfiesAnyOf(r -> assertThat(r).isNull(), r -> assertThat((List<?>) r).isEmpty());
    }

    private static void apply(KubernetesClient admin, GenericKubernetesResource object) {
        admin.resource(object).fieldManager(LocalCluster.FIELD_MANAGER).forceConflicts().serverSideApply();
    }
}
