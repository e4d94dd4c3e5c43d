package io.fleetwarden.apply;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;

/**
 * Clients that act as a tenant while sharing the service client's connections.
 *
 * <p>fabric8 7.4 {@code Client.newClient(RequestConfig)} copies the client and gives it a derived HTTP client
 * ({@code HttpClient.newBuilder().tag(requestConfig).build()}); with the vertx HTTP client the derived one wraps
 * the same vertx {@code HttpClient}, so the same connection pool, and its {@code ImpersonatorInterceptor} adds
 * the {@code Impersonate-User} / {@code Impersonate-Group} headers from the tagged {@code RequestConfig} to each
 * request. A derived client is a few small objects: 1,000 tenants cost 1,000 of those, not 1,000 pools
 * ({@code TenantClientsTest} checks the pool is shared). A derived client is never closed: closing it would close
 * the shared HTTP client; it lives and dies with the service client.
 */
public final class TenantClients {

    private TenantClients() {
    }

    public static KubernetesClient as(KubernetesClient service, Impersonation who) {
        if (!(who instanceof Impersonation.ServiceAccount account)) {
            return service;
        }
        RequestConfig config = new RequestConfigBuilder(service.getConfiguration().getRequestConfig())
                .withImpersonateUsername(account.username())
                .withImpersonateGroups(account.groups().toArray(String[]::new))
                .withImpersonateExtras(java.util.Map.of())
                .build();
        return service.newClient(config).adapt(KubernetesClient.class);
    }
}
