package io.fleetwarden.bench;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the requests a fabric8 client really sends, by HTTP method and by the namespace in the URL path, as
 * they leave the client: tenant clients derived from it ({@code TenantClients.as}) share its HTTP client and so
 * are counted too. By namespace, because a benchmark phase owns its namespace: requests of other phases, and of
 * the engine's informers (cluster-wide watches), are not mistaken for the phase's.
 */
final class ApiRequestCounter implements Interceptor {

    /** Key for requests whose path names no namespace (cluster-scoped reads, cluster-wide lists and watches). */
    static final String CLUSTER = "-";
    private static final Pattern NAMESPACE = Pattern.compile("/namespaces/([^/?]+)");

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    /** By method and resource (with its subresource, e.g. {@code PATCH kustomizations/status}), every namespace. */
    private final Map<String, LongAdder> byResource = new ConcurrentHashMap<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        String path = request.uri().getRawPath();
        Matcher m = NAMESPACE.matcher(path);
        String ns = m.find() ? m.group(1) : CLUSTER;
        counts.computeIfAbsent(ns + " " + request.method(), k -> new LongAdder()).increment();
        byResource.computeIfAbsent(request.method() + " " + resource(path), k -> new LongAdder()).increment();
    }

    /** {@code /api/v1/namespaces/a/configmaps/b} -> {@code configmaps}; {@code .../b/status} -> {@code configmaps/status}. */
    static String resource(String path) {
        String[] p = path.replaceAll("^/+|/+$", "").split("/");
        // api/v1/... or apis/group/version/...
        int i = p.length > 0 && p[0].equals("api") ? 2 : 3;
        if (i + 1 < p.length && p[i].equals("namespaces")) {
            i += 2; // namespaces/{ns}/...; a path ending there is the Namespace itself
            if (i >= p.length) {
                return "namespaces";
            }
        }
        if (i >= p.length) {
            return path;
        }
        String resource = p[i];
        return i + 2 < p.length ? resource + "/" + p[i + 2] : resource;
    }

    /** Requests so far by method and resource, e.g. {@code GET deployments}: every namespace and none. */
    Map<String, Long> byResource() {
        Map<String, Long> out = new TreeMap<>();
        byResource.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Requests so far touching {@code namespace} (its objects, or the Namespace itself), all methods. */
    long total(String namespace) {
        return byMethod(namespace).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Requests so far touching {@code namespace}, by method; {@code null}: every namespace and none. */
    Map<String, Long> byMethod(String namespace) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            int space = k.indexOf(' ');
            if (namespace == null || k.substring(0, space).equals(namespace)) {
                out.merge(k.substring(space + 1), v.sum(), Long::sum);
            }
        });
        return out;
    }

    /** {@code after - before}, by method, leaving out methods with no request in between. */
    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((method, n) -> {
            long d = n - before.getOrDefault(method, 0L);
            if (d != 0) {
                out.put(method, d);
            }
        });
        return out;
    }

    KubernetesClient client(String kubeconfig) {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig))
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("bench-count", this)).build();
    }
}
