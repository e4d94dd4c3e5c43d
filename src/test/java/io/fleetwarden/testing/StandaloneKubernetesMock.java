package io.fleetwarden.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.List;

/**
 * A fabric8 mock API server in CRUD mode for plain JUnit tests (no Quarkus): each test gets its own empty
 * cluster. Same limits as {@link KubernetesMockResource}: no server-side apply, no strategic merge patch.
 */
public final class StandaloneKubernetesMock implements AutoCloseable {

    private final KubernetesMockServer server;

    public StandaloneKubernetesMock() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), true);
        server.init();
    }

    /** A new client; the caller closes it (each client owns its own connections and executor). */
    public KubernetesClient client() {
        return server.createClient();
    }

    @Override
    public void close() {
        server.destroy();
    }
}
