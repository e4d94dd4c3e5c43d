package io.fleetwarden.testing.cluster;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Tests on the shared control plane isolate themselves in namespaces of their own, named uniquely per JVM. */
public final class TestNamespaces {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestNamespaces() {
    }

    public static String create(KubernetesClient client, String prefix) {
        return create(client, prefix, Map.of());
    }

    /** Creates {@code <prefix>-<n>} with {@code labels} and returns its name. */
    public static String create(KubernetesClient client, String prefix, Map<String, String> labels) {
        String name = prefix + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        client.resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build())
                .create();
        return name;
    }
}
