package io.fleetwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fleetwarden.testing.cluster.Components;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.DeployManifests;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kustomization of {@code deploy/}, built by the real kustomize (kubectl's), is accepted by the real API
 * server object by object as a server-side apply dry run: schemas, CRD structural rules, RBAC rules and
 * webhook configurations are validated by the server itself. cert-manager's own kinds (the cert-manager
 * overlay's Issuer and Certificate) are the exception: their CRDs are not installed here, so those objects are
 * counted and left out, and nothing else may be.
 */
class DeployOnApiServerTest {

    @ParameterizedTest
    @ValueSource(strings = { "deploy/base", "deploy/overlays/guard", "deploy/overlays/cert-manager" })
    void isAcceptedByTheServerAsADryRun(String kustomization) {
        List<HasMetadata> objects = DeployManifests.render(Components.locate(), kustomization);
        assertThat(objects).extracting(HasMetadata::getKind).contains("CustomResourceDefinition", "ClusterRole",
                "ValidatingWebhookConfiguration", "Deployment");
        try (KubernetesClient admin = ControlPlane.shared().adminClient()) {
            admin.resource(new NamespaceBuilder().withNewMetadata().withName("flux-system").endMetadata().build())
                    .createOr(NonDeletingOperation::update);
            int applied = 0;
            for (HasMetadata object : objects) {
                if (object.getApiVersion().startsWith("cert-manager.io/")) {
                    continue;
                }
                HasMetadata answered = admin.resource(object).dryRun().fieldManager("fleetwarden-deploy-test")
                        .forceConflicts().serverSideApply();
                assertThat(answered.getMetadata().getName()).isEqualTo(object.getMetadata().getName());
                applied++;
            }
            long certManager = objects.stream().filter(o -> o.getApiVersion().startsWith("cert-manager.io/")).count();
            assertThat(applied + certManager).isEqualTo(objects.size());
            assertThat(certManager).isEqualTo(kustomization.endsWith("cert-manager") ? 4 : 0);
        }
    }
}
