package io.fleetwarden.testing.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * A control plane of its own for the self-managed certificate tests: they create and delete the cluster-wide
 * webhook configurations {@code fleetwarden}/{@code fleetwarden-defaults} and the certificate Secrets, which
 * on {@link ControlPlane#shared()} belong to {@link GateOnCluster}. Started on first use, stopped by a
 * shutdown hook. Each test starts from {@link #fresh}: no Secrets, no webhook configurations, no Lease, the
 * RBAC of deploy/base as shipped.
 */
public final class SelfManagedOnCluster {

    private static ControlPlane plane;

    private SelfManagedOnCluster() {
    }

    public static synchronized ControlPlane plane() {
        if (plane == null) {
            Path dir = Components.repositoryRoot().resolve("target/control-plane/self-managed-" + Instant.now().toEpochMilli());
            ControlPlane started = ControlPlane.start(Components.locate(), dir);
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "self-managed-control-plane-stop"));
            CustomResourceDefinitions.installAll(started);
            plane = started;
        }
        return plane;
    }

    /**
     * Removes what a previous test's service made, then installs deploy/base's RBAC again (so a test that
     * removed a rule leaves nothing behind) and returns the prepared, not started, self-managed cluster.
     */
    public static LocalCluster fresh(String name, Map<String, String> properties) {
        ControlPlane p = plane();
        try (KubernetesClient admin = p.adminClient()) {
            admin.admissionRegistration().v1().validatingWebhookConfigurations().withName("fleetwarden").delete();
            admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName("fleetwarden-defaults").delete();
            admin.secrets().inNamespace(LocalCluster.NAMESPACE).withName("fleetwarden-webhook-tls").delete();
            admin.secrets().inNamespace(LocalCluster.NAMESPACE).withName("fleetwarden-webhook-ca").delete();
            admin.leases().inNamespace(LocalCluster.NAMESPACE).withName("fleetwarden-leader").delete();
        }
        return LocalCluster.prepareSelfManaged(p, Components.repositoryRoot().resolve("target/quarkus-app"),
                p.dir().resolve("fleetwarden-" + name + "-" + System.nanoTime()), properties);
    }
}
