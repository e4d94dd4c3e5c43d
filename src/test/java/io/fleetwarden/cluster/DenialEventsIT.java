package io.fleetwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.testing.cluster.Components;
import io.fleetwarden.testing.cluster.GateOnCluster;
import io.fleetwarden.testing.cluster.Kubectl;
import io.fleetwarden.testing.cluster.TestNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A denial is visible where people look: the packaged service, running with deploy/'s service account and RBAC,
 * records a Warning Event on the policy that denied (and on the object, when it exists), which {@code kubectl get
 * events} and {@code kubectl describe} show; the same denial repeated, as Flux repeats a refused apply at every
 * interval, raises the count of that Event instead of writing another.
 */
class DenialEventsIT {

    private static GateOnCluster gate;
    private static KubernetesClient admin;
    private static Kubectl kubectl;
    private static String ns;

    @BeforeAll
    static void start() throws Exception {
        gate = GateOnCluster.shared();
        admin = gate.plane().adminClient();
        ns = TestNamespaces.create(admin, "denials");
        Path dir = Files.createDirectories(gate.plane().dir().resolve("denial-events"));
        kubectl = new Kubectl(Components.locate().kubectl(),
                Files.writeString(dir.resolve("admin.kubeconfig"), gate.plane().adminKubeconfig()));
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    private static List<Event> eventsAbout(String namespace, String kind, String name) {
        return admin.v1().events().inNamespace(namespace).withField("involvedObject.kind", kind)
                .withField("involvedObject.name", name).list().getItems();
    }

    @Test
    void aDeniedSourceGetsAnEventOnThePolicyThatDeniedItAndRepeatsRaiseItsCount() {
        String repo = gate.repository("unsigned-events");
        gate.artifacts().publish(repo, "latest");
        GenericKubernetesResource source = gate.ociRepository(ns, "unsigned", repo, "latest");
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> admin.resource(source).create()).hasMessageContaining("denied the request: fleetwarden:");
        }
        String uid = admin.genericKubernetesResources("fleetwarden.io/v1alpha1", "ArtifactPolicy")
                .withName("fleet-apps-staging").get().getMetadata().getUid();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(eventsAbout("default", "ArtifactPolicy",
                "fleet-apps-staging")).filteredOn(e -> e.getMessage().contains(ns + "/unsigned")).singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getReason()).isEqualTo("PolicyDenied");
                    assertThat(e.getMessage()).startsWith("OCIRepository " + ns + "/unsigned (CREATE) denied: fleetwarden: ")
                            .contains("is not signed as policy fleet-apps-staging requires: SIGNATURE_PRESENT");
                    assertThat(e.getInvolvedObject().getUid()).isEqualTo(uid);
                    assertThat(e.getCount()).isEqualTo(3);
                    assertThat(e.getSource().getComponent()).isEqualTo("fleetwarden");
                }));
        // The object does not exist (every try was a CREATE), so only the policy has an Event, as with Kyverno.
        assertThat(eventsAbout(ns, "OCIRepository", "unsigned")).isEmpty();

        // kubectl describe finds the policy's Events by its uid.
        Kubectl.Result described = kubectl.run("describe", "artifactpolicy", "fleet-apps-staging");
        assertThat(described.exit()).as(described.output()).isZero();
        assertThat(described.output()).containsPattern("Warning\\s+PolicyDenied\\s+.*fleetwarden\\s+OCIRepository " + ns
                + "/unsigned \\(CREATE\\) denied");
    }

    @Test
    void aDeniedUpdateGetsAnEventOnTheObjectTooShownByKubectlGetEvents() {
        String repo = gate.repository("moved-events");
        gate.publishSigned(repo, "latest");
        GenericKubernetesResource source = admin.resource(gate.ociRepository(ns, "moved", repo, "latest")).create();
        gate.artifacts().publish(repo, "latest"); // the tag now names an unsigned build
        GenericKubernetesResource changed = gate.ociRepository(ns, "moved", repo, "latest");
        changed.<Map<String, Object>>get("spec").put("interval", "1m");
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> admin.resource(changed).update()).hasMessageContaining("denied the request");
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(eventsAbout(ns, "OCIRepository", "moved"))
                .singleElement().satisfies(e -> {
                    assertThat(e.getReason()).isEqualTo("PolicyDenied");
                    assertThat(e.getInvolvedObject().getUid()).isEqualTo(source.getMetadata().getUid());
                    assertThat(e.getMessage()).startsWith("fleetwarden: ").contains("SIGNATURE_PRESENT");
                    assertThat(e.getCount()).isEqualTo(2);
                }));
        Kubectl.Result shown = kubectl.run("get", "events", "-n", ns, "--field-selector", "involvedObject.name=moved");
        assertThat(shown.exit()).as(shown.output()).isZero();
        assertThat(shown.output()).containsPattern("Warning\\s+PolicyDenied\\s+ocirepository/moved\\s+fleetwarden: ");
    }

    @Test
    void aTenancyDenialGetsAnEventOnTheTenancyPolicyInForce() {
        String tenantNs = TestNamespaces.create(admin, "denials-tenant", Map.of("toolkit.fluxcd.io/role", "tenant"));
        GenericKubernetesResource steal = Serialization.unmarshal("""
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata: {name: steal, namespace: %s}
                spec:
                  interval: 5m
                  path: ./
                  prune: true
                  serviceAccountName: flux
                  sourceRef: {kind: OCIRepository, name: apps, namespace: flux-system}
                """.formatted(tenantNs), GenericKubernetesResource.class);
        // The rules hold for every writer in a tenant namespace, an administrator too.
        assertThatThrownBy(() -> admin.resource(steal).create()).hasMessageContaining("[ref.cross-namespace]");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(eventsAbout("default", "TenancyPolicy",
                "d2-tenancy")).filteredOn(e -> e.getMessage().contains(tenantNs + "/steal")).singleElement()
                .satisfies(e -> {
                    assertThat(e.getReason()).isEqualTo("TenancyViolation");
                    assertThat(e.getMessage()).startsWith("Kustomization " + tenantNs + "/steal (CREATE) denied: "
                            + "fleetwarden tenancy: [ref.cross-namespace] spec.sourceRef.namespace");
                    // The mutating webhook refuses it first, so the validating one is not asked.
                    assertThat(e.getCount()).isEqualTo(1);
                }));
    }
}
