package io.fleetwarden.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.List;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import java.util.Map;

/**
 * One fabric8 mock API server (CRUD mode) for every {@code @QuarkusTest}, started before Quarkus boots, so all
 * Quarkus tests share one boot. It lacks server-side apply and strategic merge patch (see
 * docs/toolchain-findings in shared/); the webhook and the informers need neither.
 */
@WithTestResource(value = KubernetesMockResource.class, scope = TestResourceScope.GLOBAL)
public final class KubernetesMockResource implements QuarkusTestResourceLifecycleManager {

    private KubernetesMockServer server;

    @Override
    public Map<String, String> start() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), true);
        server.init();
        String url = server.url("/");
        return Map.of("quarkus.kubernetes-client.api-server-url", url, "quarkus.kubernetes-client.trust-certs", "true",
                "quarkus.kubernetes-client.namespace", "test", Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY, "test");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.destroy();
        }
    }
}
