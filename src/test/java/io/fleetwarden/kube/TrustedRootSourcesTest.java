package io.fleetwarden.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.api.v1alpha1.ArtifactPolicy;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.testing.MockApiServer;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.verify.cosign.TrustedRoots;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With Secrets switched off, roots come from ConfigMaps only and a secretKeyRef says why it is refused. */
class TrustedRootSourcesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void withSecretsSwitchedOffConfigMapRootsLoadAndSecretRootsAreRefusedWithTheReason() throws Exception {
        try (MockApiServer api = MockApiServer.start(); KubernetesClient kube = api.client();
                PolicyInformer policies = new PolicyInformer(kube, Uncovered.DENY)) {
            TrustedRoots roots = TrustedRoots.empty();
            kube.configMaps().inNamespace("flux-system").resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("corp-root").withLabels(Map.of(TrustedRootSources.LABEL, "true")).endMetadata()
                    .withData(Map.of("trusted_root.json", new String(LocalSigstore.create().trustedRootJson(),
                            StandardCharsets.UTF_8))).build()).create();
            kube.resource(policy("from-configmap", "configMapKeyRef: {name: corp-root}")).create();
            kube.resource(policy("from-secret", "secretKeyRef: {name: corp-root}")).create();
            policies.start();
            try (TrustedRootSources sources = new TrustedRootSources(kube, "flux-system", roots, policies, false)) {
                sources.start();
                // Both policies are in once the secret root has been judged (a sync follows every recompilation).
                await().atMost(Duration.ofSeconds(20)).until(() -> sources.loaded()
                        && roots.unavailable("secret:corp-root/trusted_root.json").orElse("").contains("switched off")
                        && policies.get().policies().size() == 2);

                assertThat(roots.unavailable("secret:corp-root/trusted_root.json")).hasValueSatisfying(reason ->
                        assertThat(reason).endsWith(TrustedRootSources.SECRETS_OFF));
                assertThat(roots.unavailable("configmap:corp-root/trusted_root.json")).isEmpty();
            }
        }
    }

    private static ArtifactPolicy policy(String name, String from) throws Exception {
        return YAML.readValue("""
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: %s}
                spec:
                  sources: ["oci://registry.corp.example/%s/*"]
                  authorities:
                    - trustedRootFrom: {%s}
                      keyless: {issuer: https://token.actions.githubusercontent.com, github: {repository: acme/fleet}}
                """.formatted(name, name, from), ArtifactPolicy.class);
    }
}
