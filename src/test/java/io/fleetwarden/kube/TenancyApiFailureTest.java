package io.fleetwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fleetwarden.admission.AdmissionDecision;
import io.fleetwarden.admission.AdmissionInput;
import io.fleetwarden.admission.TenancyAdmissionHandler;
import io.fleetwarden.api.v1alpha1.LabelSelectorSpec;
import io.fleetwarden.api.v1alpha1.TenancyPolicy;
import io.fleetwarden.api.v1alpha1.TenancyPolicySpec;
import io.fleetwarden.api.v1alpha1.TenantSpec;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.policy.PolicyDocuments;
import io.fleetwarden.testing.D2Fixtures;
import io.fleetwarden.testing.StallingServer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * When the API server cannot tell a tenant namespace's labels, the tenancy webhooks answer 503 Unavailable about
 * the API server: never a 403 tenancy denial (the tenant's object is not wrong), never an admission, never a
 * word about registries.
 */
class TenancyApiFailureTest {

    static final JsonNode KUSTOMIZATION = D2Fixtures.object("""
            apiVersion: kustomize.toolkit.fluxcd.io/v1
            kind: Kustomization
            metadata: {name: apps, namespace: frontend}
            spec: {interval: 5m, path: ./, prune: true, serviceAccountName: flux, sourceRef: {kind: OCIRepository, name: apps}}
            """);

    static PolicySnapshot policy() {
        TenantSpec t = new TenantSpec();
        t.namespaceSelector = new LabelSelectorSpec();
        t.sources = List.of("oci://ghcr.io/acme/*");
        TenancyPolicy p = new TenancyPolicy();
        p.getMetadata().setName("acme");
        p.setSpec(new TenancyPolicySpec());
        p.getSpec().tenants = List.of(t);
        PolicySnapshot s = PolicySnapshot.compile(1, List.of(new PolicyDocuments.TenancyDocument("acme", p)), Uncovered.DENY);
        assertThat(s.tenancy().defined()).isTrue();
        return s;
    }

    static AdmissionDecision review(KubernetesClient client, boolean mutate) {
        NamespaceLabelCache labels = new NamespaceLabelCache(client); // not started: every lookup is a live read
        PolicySnapshot snapshot = policy();
        return new TenancyAdmissionHandler(() -> snapshot, labels, mutate).handle(new AdmissionInput("uid", "CREATE",
                "kustomize.toolkit.fluxcd.io", "v1", "Kustomization", null, "frontend", "apps", KUSTOMIZATION, null,
                "system:serviceaccount:frontend:flux", Set.of(), false));
    }

    static void assertUnavailable(AdmissionDecision d) {
        assertThat(d.allowed()).isFalse();
        assertThat(d.code()).isEqualTo(503);
        assertThat(d.reason()).isEqualTo("Unavailable");
        assertThat(d.message()).contains("Kubernetes API server", "namespace frontend").doesNotContain("registry")
                .doesNotContain("TenancyViolation").doesNotContain("namespace.unknown");
    }

    @Test
    void anApiServerErrorIsUnavailableNotADenial() {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        try {
            server.expect().get().withPath("/api/v1/namespaces/frontend").andReturn(500, "etcd is down").always();
            try (KubernetesClient client = server.createClient()) {
                assertUnavailable(review(client, false));
                assertUnavailable(review(client, true));
            }
        } finally {
            server.destroy();
        }
    }

    @Test
    void anApiServerThatDoesNotAnswerIsUnavailableNotADenial() {
        try (StallingServer silent = StallingServer.silent();
                KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + silent.port()).build()).build()) {
            assertUnavailable(review(client, false));
        }
    }

    @Test
    void aNamespaceTheApiServerSaysIsMissingIsStillADenial() {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        try {
            server.expect().get().withPath("/api/v1/namespaces/frontend").andReturn(404, "{}").always();
            try (KubernetesClient client = server.createClient()) {
                AdmissionDecision d = review(client, false);
                assertThat(d.code()).isEqualTo(403);
                assertThat(d.message()).contains("namespace.unknown");
            }
        } finally {
            server.destroy();
        }
    }
}
