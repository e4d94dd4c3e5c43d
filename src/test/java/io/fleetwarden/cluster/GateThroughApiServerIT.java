package io.fleetwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.testing.cluster.GateOnCluster;
import io.fleetwarden.testing.cluster.TestNamespaces;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gate as a kubectl user meets it: the API server calls the packaged service through the webhook
 * configurations of {@code deploy/} (URL client configuration, our caBundle), and every assertion is on what
 * the API server answers the writer.
 */
class GateThroughApiServerIT {

    private static GateOnCluster gate;
    private static KubernetesClient admin;
    private static String ns;

    @BeforeAll
    static void start() {
        gate = GateOnCluster.shared();
        admin = gate.plane().adminClient();
        ns = TestNamespaces.create(admin, "fleet");
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    @Test
    void anUnsignedSourceIsRefusedOnCreateWithOurMessage() {
        String repo = gate.repository("unsigned");
        gate.artifacts().publish(repo, "latest");

        assertThatThrownBy(() -> admin.resource(gate.ociRepository(ns, "unsigned", repo, "latest")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
                .hasMessageContaining("admission webhook \"ocirepository.fleetwarden.io\" denied the request: fleetwarden:")
                .hasMessageContaining("is not signed as policy fleet-apps-staging requires: SIGNATURE_PRESENT");
        assertThat(admin.resource(gate.ociRepository(ns, "unsigned", repo, "latest")).get()).isNull();
    }

    @Test
    void aSignedSourceIsAdmittedAndAnUpdateAfterItsTagMovedToAnUnsignedBuildIsRefused() {
        String repo = gate.repository("frontend");
        gate.publishSigned(repo, "latest");
        GenericKubernetesResource source = admin.resource(gate.ociRepository(ns, "frontend", repo, "latest")).create();
        assertThat(source.getMetadata().getUid()).isNotBlank();

        gate.artifacts().publish(repo, "latest"); // the tag now names an unsigned build
        GenericKubernetesResource changed = gate.ociRepository(ns, "frontend", repo, "latest");
        ((Map<String, Object>) changed.getAdditionalProperties().get("spec")).put("interval", "1m");

        assertThatThrownBy(() -> admin.resource(changed).update())
                .hasMessageContaining("admission webhook \"ocirepository.fleetwarden.io\" denied the request")
                .hasMessageContaining("is not signed as policy fleet-apps-staging requires: SIGNATURE_PRESENT");
        assertThat(admin.resource(source).get().<Map<String, Object>>get("spec")).containsEntry("interval", "5m");
    }

    @Test
    void aSourceSignedByAnotherWorkflowIsRefusedWithTheReason() {
        String repo = gate.repository("backend");
        var digest = gate.artifacts().publish(repo, "latest");
        gate.artifacts().signBundle(repo, digest, GateOnCluster.signedBy("debug.yaml"));

        assertThatThrownBy(() -> admin.resource(gate.ociRepository(ns, "backend", repo, "latest")).create())
                .hasMessageContaining("denied the request: fleetwarden:").hasMessageContaining("debug.yaml");
    }

    @Test
    void kubeSystemIsNeverSentToTheWebhook() {
        String repo = gate.repository("system");
        gate.artifacts().publish(repo, "latest");

        GenericKubernetesResource created = admin.resource(gate.ociRepository("kube-system", "unsigned-" + ns, repo,
                "latest")).create();

        assertThat(created.getMetadata().getUid()).isNotBlank();
        admin.resource(created).delete();
    }

    @Test
    void fleetwardensOwnDeliveryInFluxSystemIsNeverBlockedButTheSameNameElsewhereIs() {
        String repo = gate.repository("own");
        gate.artifacts().publish(repo, "latest");

        GenericKubernetesResource own = admin.resource(gate.ociRepository("flux-system", "fleetwarden", repo, "latest"))
                .createOr(r -> r.update());
        assertThat(own.getMetadata().getUid()).isNotBlank();
        assertThatThrownBy(() -> admin.resource(gate.ociRepository(ns, "fleetwarden", repo, "latest")).create())
                .hasMessageContaining("denied the request: fleetwarden:");
        admin.resource(own).delete();
    }

    @Test
    void theCrdSchemaAndItsCelRulesAreEnforcedByTheServerBeforeOurWebhook() {
        GenericKubernetesResource notOci = Serialization.unmarshal("""
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: not-oci}
                spec:
                  sources: ["https://github.com/acme/*"]
                  authorities: [{keyless: {issuer: https://token.actions.githubusercontent.com, subjectRegExp: ^x$}}]
                """, GenericKubernetesResource.class);
        assertThatThrownBy(() -> admin.resource(notOci).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
                .hasMessageContaining("spec.sources: Invalid value")
                .hasMessageContaining("every source must be an oci:// URL pattern")
                .hasMessageNotContaining("admission webhook");

        GenericKubernetesResource bothAuthorities = Serialization.unmarshal("""
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: keyless-and-key}
                spec:
                  sources: ["oci://ghcr.io/acme/*"]
                  authorities: [{keyless: {issuer: https://i, subjectRegExp: ^x$}, key: {data: "x"}}]
                """, GenericKubernetesResource.class);
        assertThatThrownBy(() -> admin.resource(bothAuthorities).create())
                .hasMessageContaining("spec.authorities[0]").hasMessageContaining("exactly one of keyless or key");
    }

    @Test
    void whatOurWebhookAddsOnTopOfTheSchemaIsRefusedWithItsFieldPath() {
        GenericKubernetesResource badRegex = Serialization.unmarshal("""
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: bad-regex}
                spec:
                  sources: ["oci://ghcr.io/acme/*"]
                  authorities: [{keyless: {issuer: https://token.actions.githubusercontent.com, subjectRegExp: "^(x$"}}]
                """, GenericKubernetesResource.class);

        assertThatThrownBy(() -> admin.resource(badRegex).create())
                .hasMessageContaining("admission webhook \"policy.fleetwarden.io\" denied the request: fleetwarden:")
                .hasMessageContaining("spec.authorities[0].keyless.subjectRegExp");
    }
}
