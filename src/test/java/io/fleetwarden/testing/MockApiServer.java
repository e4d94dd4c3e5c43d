package io.fleetwarden.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.util.List;

/**
 * An embedded Kubernetes API: the fabric8 mock server in CRUD mode over HTTPS on loopback, for the demo, the
 * benchmarks and plain JUnit tests (each gets its own empty cluster; {@link #client()} returns a new client the
 * caller closes). It stores and
 * watches any object, custom resources included; it lacks server-side apply and strategic merge patch,
 * which nothing it serves here needs (the service only lists, watches and reads).
 */
public final class MockApiServer implements AutoCloseable {

    private final KubernetesMockServer server;

    private MockApiServer(KubernetesMockServer server) {
        this.server = server;
    }

    public static MockApiServer start() {
        KubernetesMockServer s = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(),
                new HashMap<>(), new KubernetesCrudDispatcher(List.of()), true);
        s.init();
        return new MockApiServer(s);
    }

    public String url() {
        return server.url("/");
    }

    public KubernetesClient client() {
        return server.createClient();
    }

    @Override
    public void close() {
        server.destroy();
    }
}
