package io.fleetwarden.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fleetwarden.testing.cluster.ControlPlane;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Manifests from YAML, and a service client that counts the requests it really sends, by HTTP method. */
final class ApplyFixtures {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ApplyFixtures() {
    }

    static ObjectNode yaml(String text) {
        try {
            return (ObjectNode) YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Requests by method, counted as they leave the client (tenant clients derived from it included). */
    static final class RequestCounter implements Interceptor {

        private final Map<String, AtomicInteger> byMethod = new ConcurrentHashMap<>();
        private final Set<Thread> senders = ConcurrentHashMap.newKeySet();

        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            byMethod.computeIfAbsent(request.method(), m -> new AtomicInteger()).incrementAndGet();
            senders.add(Thread.currentThread());
        }

        /** The threads that sent requests since the last reset. */
        Set<Thread> senders() {
            return Set.copyOf(senders);
        }

        int count(String method) {
            AtomicInteger n = byMethod.get(method);
            return n == null ? 0 : n.get();
        }

        int writes() {
            return count("POST") + count("PUT") + count("PATCH") + count("DELETE");
        }

        void reset() {
            byMethod.clear();
            senders.clear();
        }
    }

    static KubernetesClient countingAdmin(ControlPlane plane, RequestCounter counter) {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(plane.adminKubeconfig()))
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("count", counter)).build();
    }
}
