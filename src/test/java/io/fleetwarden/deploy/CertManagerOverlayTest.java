package io.fleetwarden.deploy;

import static io.fleetwarden.deploy.DeployManifestsTest.overlay;
import static io.fleetwarden.deploy.DeployManifestsTest.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.testing.deploy.Kustomization;
import io.fleetwarden.testing.deploy.Manifests;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The guard overlay is the base; the cert-manager overlay hands the certificate to cert-manager. */
class CertManagerOverlayTest {

    private final List<ObjectNode> base = Kustomization.render(Manifests.DEPLOY.resolve("base"));
    private final List<ObjectNode> certManager = Kustomization.render(overlay("cert-manager"));

    @Test
    void guardOverlayIsTheBaseWithSelfManagedCertificates() {
        assertThat(Kustomization.render(overlay("guard"))).isEqualTo(base);
        assertThat(base).anyMatch(o -> Manifests.kind(o).equals("Role") && Manifests.name(o).equals("fleetwarden-certificates"));
    }

    @Test
    void certManagerIssuesTheSecretTheDeploymentMounts() {
        ObjectNode certificate = Kustomization.one(certManager, "Certificate", "fleetwarden-webhook");
        assertThat(certificate.at("/spec/secretName").asText()).isEqualTo("fleetwarden-webhook-tls");
        assertThat(stream(certificate.at("/spec/dnsNames")).map(JsonNode::asText))
                .contains("fleetwarden.flux-system.svc");
        assertThat(certificate.at("/spec/issuerRef/name").asText()).isEqualTo("fleetwarden-ca");
        ObjectNode ca = Kustomization.one(certManager, "Certificate", "fleetwarden-ca");
        assertThat(ca.at("/spec/isCA").asBoolean()).isTrue();
        assertThat(Kustomization.one(certManager, "Issuer", "fleetwarden-ca").at("/spec/ca/secretName").asText())
                .isEqualTo(ca.at("/spec/secretName").asText());
        JsonNode volumes = Kustomization.one(certManager, "Deployment", "fleetwarden").at("/spec/template/spec/volumes");
        assertThat(stream(volumes).map(v -> v.at("/secret/secretName").asText())).contains("fleetwarden-webhook-tls");
    }

    @Test
    void cainjectorFillsBothWebhookConfigurations() {
        for (String[] config : new String[][] { { "ValidatingWebhookConfiguration", "fleetwarden" },
                { "MutatingWebhookConfiguration", "fleetwarden-defaults" } }) {
            assertThat(Kustomization.one(certManager, config[0], config[1]).at("/metadata/annotations")
                    .path("cert-manager.io/inject-ca-from").asText()).as(config[1])
                    .isEqualTo("flux-system/fleetwarden-webhook");
            assertThat(Kustomization.one(base, config[0], config[1]).path("metadata").has("annotations")).isFalse();
        }
    }

    @Test
    void selfManagementIsOffAndItsRbacIsGoneButLeaderElectionStays() {
        JsonNode env = Kustomization.one(certManager, "Deployment", "fleetwarden").at("/spec/template/spec/containers/0/env");
        assertThat(stream(env).filter(e -> e.path("name").asText().equals("FLEETWARDEN_CERTS_SELF_MANAGED")))
                .singleElement().satisfies(e -> assertThat(e.path("value").asText()).isEqualTo("false"));
        assertThat(stream(env).map(e -> e.path("name").asText())).contains("POD_NAMESPACE", "POD_NAME");
        // No grant for a certificate call remains: Secret writes and webhook configuration patches are
        // cert-manager's there.
        List<String> certificateRoles = DeployRbacTest.CALLS.stream().map(DeployRbacTest.Expected::role)
                .filter(r -> r.equals(DeployRbacTest.CERTIFICATES) || r.equals(DeployRbacTest.WEBHOOK_CONFIGURATIONS))
                .distinct().toList();
        assertThat(certificateRoles).hasSize(2);
        for (String role : certificateRoles) {
            String name = role.split(" ")[1];
            assertThat(certManager).as(role).noneMatch(o -> Manifests.kind(o).contains("Role") && Manifests.name(o).equals(name));
        }
        assertThat(certManager).noneMatch(o -> Manifests.kind(o).contains("Role")
                && stream(o.path("rules")).anyMatch(r -> stream(r.path("resources")).anyMatch(x -> x.asText().equals("secrets"))
                        && stream(r.path("verbs")).anyMatch(v -> !Set.of("get", "list", "watch").contains(v.asText()))));
        // The leader also writes policy status, so its Lease grant and the main ClusterRole are the base's.
        for (String[] kept : new String[][] { { "Role", "fleetwarden-leader" }, { "RoleBinding", "fleetwarden-leader" },
                { "ClusterRole", "fleetwarden" }, { "ClusterRoleBinding", "fleetwarden" } }) {
            assertThat(Kustomization.one(certManager, kept[0], kept[1])).isEqualTo(Kustomization.one(base, kept[0], kept[1]));
        }
        assertThat(certManager.size()).isEqualTo(base.size() - 4 + 4);
    }
}
