package io.fleetwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fleetwarden.api.v1alpha1.ArtifactPolicy;
import io.fleetwarden.api.v1alpha1.PolicyStatus;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The leader writes each policy's status. The mock API server has no admission webhooks, so an invalid
 * policy can be stored here, as one applied while fleetwarden was down would be.
 */
@QuarkusTest
class PolicyStatusTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Inject
    KubernetesClient kube;

    PolicyStatus statusOf(String name) {
        ArtifactPolicy p = kube.resources(ArtifactPolicy.class).withName(name).get();
        return p == null ? null : p.getStatus();
    }

    @Test
    void aPolicyShowsWhetherItCompiledAndWhenItWasLoaded() throws Exception {
        Instant before = Instant.now();
        ArtifactPolicy broken = YAML.readValue("""
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: status-demo}
                spec:
                  sources: ["oci://ghcr.io/acme/status/*"]
                  authorities: [{keyless: {issuer: https://token.actions.githubusercontent.com, subjectRegExp: "(x"}}]
                """, ArtifactPolicy.class);
        kube.resource(broken).createOr(NonDeletingOperation::update);
        await().atMost(Duration.ofSeconds(20)).until(() -> statusOf("status-demo") != null);
        PolicyStatus invalid = statusOf("status-demo");
        assertThat(invalid.conditions).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo("Ready");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("Invalid");
            assertThat(c.getMessage()).contains("spec.authorities[0].keyless.subjectRegExp: invalid RE2 regular expression");
        });
        assertThat(Instant.parse(invalid.loadedAt)).isAfterOrEqualTo(before.minusSeconds(1));

        ArtifactPolicy fixed = kube.resources(ArtifactPolicy.class).withName("status-demo").get();
        fixed.getSpec().authorities.get(0).keyless.subjectRegExp = "^https://github\\.com/acme/status/.*$";
        kube.resource(fixed).update();
        await().atMost(Duration.ofSeconds(20)).until(() -> "True".equals(statusOf("status-demo").conditions.get(0).getStatus()));
        PolicyStatus ready = statusOf("status-demo");
        assertThat(ready.conditions.get(0).getReason()).isEqualTo("Compiled");
        assertThat(ready.observedGeneration).isEqualTo(kube.resources(ArtifactPolicy.class).withName("status-demo").get()
                .getMetadata().getGeneration());
    }
}
