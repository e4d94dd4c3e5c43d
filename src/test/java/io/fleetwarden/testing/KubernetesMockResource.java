package io.fleetwarden.testing;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import java.util.Map;

/**
 * One fabric8 mock API server (CRUD mode) for every {@code @QuarkusTest}, started before Quarkus boots, so all
 * Quarkus tests share one boot. It lacks server-side apply and strategic merge patch (see
 * docs/toolchain-findings in shared/); the webhook and the informers need neither.
 *
 * <p>Why the mock here and not the real control plane ({@code testing.cluster.ControlPlane}): these tests post
 * crafted AdmissionReviews straight to the webhook and script the API's answers, failures included; the API
 * server would add nothing to what they check. Everything the API server itself does (calling the webhooks,
 * matchConditions, failurePolicy, schema and CEL rules, RBAC, impersonation) is tested on the real control plane
 * by {@code io.fleetwarden.cluster.*}; see docs/testing.md.
 */
@WithTestResource(value = KubernetesMockResource.class, scope = TestResourceScope.GLOBAL)
public final class KubernetesMockResource implements QuarkusTestResourceLifecycleManager {

    private MockApiServer server;

    @Override
    public Map<String, String> start() {
        server = MockApiServer.start();
        return Map.of("quarkus.kubernetes-client.api-server-url", server.url(), "quarkus.kubernetes-client.trust-certs",
                "true", "quarkus.kubernetes-client.namespace", "test", Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY, "test");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
