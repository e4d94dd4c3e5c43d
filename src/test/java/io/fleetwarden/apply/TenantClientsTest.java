package io.fleetwarden.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx.VertxHttpClient;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/** 1,000 tenants must not mean 1,000 connection pools. */
class TenantClientsTest {

    @Test
    void tenantClientsShareTheServiceConnectionPool() {
        try (KubernetesClient service = new KubernetesClientBuilder().build()) {
            KubernetesClient a = TenantClients.as(service, Impersonation.serviceAccount("team-a", "deployer"));
            KubernetesClient b = TenantClients.as(service, Impersonation.serviceAccount("team-b", "deployer"));
            assertThat(pool(a)).isSameAs(pool(service)).isSameAs(pool(b));
            assertThat(TenantClients.as(service, Impersonation.NONE)).isSameAs(service);
        }
        Impersonation.ServiceAccount sa = new Impersonation.ServiceAccount("team-a", "deployer");
        assertThat(sa.username()).isEqualTo("system:serviceaccount:team-a:deployer");
        assertThat(sa.groups()).containsExactly("system:serviceaccounts", "system:serviceaccounts:team-a",
                "system:authenticated");
    }

    /** The vertx HttpClient (connection pool) under fabric8's wrapper; package-private in fabric8, so reflection. */
    private static Object pool(KubernetesClient client) {
        try {
            Method getClient = VertxHttpClient.class.getDeclaredMethod("getClient");
            getClient.setAccessible(true);
            return getClient.invoke(client.getHttpClient());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
