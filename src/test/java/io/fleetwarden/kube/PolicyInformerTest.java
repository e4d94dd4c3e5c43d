package io.fleetwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.api.v1alpha1.ArtifactPolicy;
import io.fleetwarden.api.v1alpha1.PolicyStatus;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.testing.MockApiServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The snapshot's generation keys the decision cache, so it must move with the policies and with nothing else. */
class PolicyInformerTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static ArtifactPolicy policy(String source) throws Exception {
        return YAML.readValue("""
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: generations}
                spec:
                  sources: ["%s"]
                  mode: Allow
                """.formatted(source), ArtifactPolicy.class);
    }

    @Test
    void aStatusWriteDoesNotStartANewGenerationASpecChangeDoes() throws Exception {
        try (MockApiServer api = MockApiServer.start(); KubernetesClient kube = api.client();
                PolicyInformer informer = new PolicyInformer(kube, Uncovered.DENY)) {
            informer.start();
            kube.resource(policy("oci://ghcr.io/acme/one/*")).create();
            await().atMost(Duration.ofSeconds(20)).until(() -> informer.get().policies().size() == 1);
            long loaded = informer.get().generation();

            // What the leader's status writer does, then a real change: events arrive in order, so once the change
            // is seen the status update has been handled too.
            ArtifactPolicy stored = kube.resources(ArtifactPolicy.class).withName("generations").get();
            stored.setStatus(new PolicyStatus());
            stored.getStatus().loadedAt = "2026-11-30T00:00:00Z";
            kube.resource(stored).updateStatus();
            ArtifactPolicy changed = kube.resources(ArtifactPolicy.class).withName("generations").get();
            changed.getSpec().sources = List.of("oci://ghcr.io/acme/two/*");
            kube.resource(changed).update();
            await().atMost(Duration.ofSeconds(20)).until(() -> informer.get().policies().get(0).sources()
                    .equals(List.of("oci://ghcr.io/acme/two/*")));

            assertThat(informer.get().generation()).isEqualTo(loaded + 1);
        }
    }

    @Test
    void specsAreComparedByContent() throws Exception {
        ArtifactPolicy a = policy("oci://ghcr.io/acme/one/*");
        ArtifactPolicy sameWithStatus = policy("oci://ghcr.io/acme/one/*");
        sameWithStatus.setStatus(new PolicyStatus());
        sameWithStatus.getStatus().loadedAt = "2026-11-30T00:00:00Z";

        assertThat(PolicyInformer.sameSpec(a, sameWithStatus)).isTrue();
        assertThat(PolicyInformer.sameSpec(a, policy("oci://ghcr.io/acme/two/*"))).isFalse();
    }
}
