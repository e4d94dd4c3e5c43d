package io.fleetwarden.testing.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fleetwarden.testing.ServiceProcess;
import io.fleetwarden.testing.TlsFixture;
import io.fleetwarden.testing.WebhookClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * fleetwarden installed on a real control plane as {@code deploy/} installs it in a cluster, minus what
 * needs a kubelet: the namespace, service account and RBAC of {@code deploy/base} (rendered by the real
 * kustomize in kubectl), the packaged service running out of cluster with a token of that service account
 * (so it has exactly the permissions a pod would), and the webhook configurations as shipped with the
 * Service reference turned into a loopback URL and {@code caBundle} set ({@link WebhookRegistration}).
 *
 * <p>The service serves a certificate from a {@link TlsFixture} (the cert-manager overlay's arrangement:
 * {@code fleetwarden.certs.self-managed=false}), and the CA goes into {@code caBundle} the way cainjector
 * would put it there.
 */
public final class LocalCluster implements AutoCloseable {

    public static final String NAMESPACE = "flux-system";
    public static final String SERVICE_ACCOUNT = "fleetwarden";
    /** Kinds of deploy/base that only make sense with a kubelet and cluster networking. */
    private static final Set<String> NOT_OUT_OF_CLUSTER = Set.of("Deployment", "PodDisruptionBudget", "NetworkPolicy",
            "Service", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "CustomResourceDefinition");

    private final ControlPlane plane;
    private final Path app;
    private final Path dir;
    private final TlsFixture tls;
    private final Map<String, String> extraProperties;
    private final List<GenericKubernetesResource> shippedWebhooks;
    /** Fixed for the cluster's life: the registered webhook configurations name it. */
    private final int port;
    private ServiceProcess service;

    private LocalCluster(ControlPlane plane, Path app, Path dir, Map<String, String> extraProperties,
            List<GenericKubernetesResource> shippedWebhooks) {
        this.plane = plane;
        this.app = app;
        this.dir = dir;
        this.tls = TlsFixture.create();
        this.extraProperties = Map.copyOf(extraProperties);
        this.shippedWebhooks = shippedWebhooks;
        try {
            this.port = io.fleetwarden.testing.LoopbackPorts.free();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Installs deploy/base's RBAC on {@code plane}, starts the packaged service in {@code app}
     * ({@code target/quarkus-app}) with {@code properties} (trusted roots, insecure registries, ...) and
     * registers the webhooks; returns once the API server calls them.
     */
    public static LocalCluster install(ControlPlane plane, Path app, Path dir, Map<String, String> properties) {
        try {
            Files.createDirectories(dir);
            List<HasMetadata> base = DeployManifests.render(Components.locate(), "deploy/base");
            List<GenericKubernetesResource> webhooks = new ArrayList<>();
            try (KubernetesClient admin = plane.adminClient()) {
                admin.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
                        .createOr(NonDeletingOperation::update);
                for (HasMetadata object : base) {
                    if (object.getKind().endsWith("WebhookConfiguration")) {
                        webhooks.add((GenericKubernetesResource) object);
                    } else if (!NOT_OUT_OF_CLUSTER.contains(object.getKind())) {
                        admin.resource(object).fieldManager("fleetwarden-tests").forceConflicts().serverSideApply();
                    }
                }
            }
            LocalCluster cluster = new LocalCluster(plane, app, dir, properties, webhooks);
            cluster.startService();
            cluster.registerWebhooks();
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ControlPlane plane() {
        return plane;
    }

    public TlsFixture tls() {
        return tls;
    }

    public ServiceProcess service() {
        return service;
    }

    /** A client of the running service's HTTPS port that trusts the serving CA. */
    public WebhookClient webhookClient() {
        return WebhookClient.trusting(tls.allCas()).at(service.port());
    }

    /** Starts the packaged service (again, after {@link #stopService()}) and waits until it is ready. */
    public synchronized void startService() throws IOException {
        startService(true);
    }

    /**
     * Starts the packaged service; with {@code awaitReady} false it returns once the process runs (for tests of
     * a service that must not become ready).
     */
    public synchronized void startService(boolean awaitReady) throws IOException {
        if (service != null) {
            throw new IllegalStateException("the service is running already");
        }
        Path kubeconfig = Files.writeString(dir.resolve("fleetwarden.kubeconfig"), plane.tokenKubeconfig(serviceAccountToken()));
        Map<String, String> properties = new HashMap<>(extraProperties);
        // fabric8 reads the kubeconfig named by this system property when no API server URL is configured.
        properties.put("kubeconfig", kubeconfig.toString());
        properties.put("quarkus.kubernetes-client.namespace", NAMESPACE);
        properties.put("quarkus.http.ssl-port", String.valueOf(port));
        properties.put("fleetwarden.tls.cert-file", tls.certFile().toString());
        properties.put("fleetwarden.tls.key-file", tls.keyFile().toString());
        properties.putIfAbsent("fleetwarden.certs.self-managed", "false");
        // A policy applied with kubectl shows Ready within a second instead of the in-cluster 15 s.
        properties.putIfAbsent("fleetwarden.leader.policy-status-period", "1s");
        ServiceProcess started = ServiceProcess.start(app, properties, List.of("-Xmx256m"));
        service = started;
        if (awaitReady) {
            started.awaitReady(WebhookClient.trusting(tls.allCas()), Duration.ofSeconds(60));
        }
    }

    /** Stops the service; the webhook configurations stay registered (failurePolicy then decides). */
    public synchronized void stopService() {
        if (service != null) {
            service.close();
            service = null;
        }
    }

    /** Registers deploy/'s webhook configurations for the running service, with the fixture's current CA. */
    public void registerWebhooks() {
        List<GenericKubernetesResource> rewritten = shippedWebhooks.stream()
                .map(w -> WebhookRegistration.forLoopback(w, port, TlsFixture.pem(tls.current().ca())))
                .toList();
        try (KubernetesClient admin = plane.adminClient()) {
            WebhookRegistration.apply(admin, rewritten);
            WebhookRegistration.awaitEnforced(admin);
        }
    }

    /** Removes the webhook configurations (what the uninstall procedure does first). */
    public void unregisterWebhooks() {
        try (KubernetesClient admin = plane.adminClient()) {
            for (GenericKubernetesResource webhook : shippedWebhooks) {
                admin.resource(webhook).delete();
            }
        }
    }

    /** A token of deploy/'s service account, from the TokenRequest API, as the kubelet would project it. */
    private String serviceAccountToken() {
        try (KubernetesClient admin = plane.adminClient()) {
            return admin.serviceAccounts().inNamespace(NAMESPACE).withName(SERVICE_ACCOUNT)
                    .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(24 * 3600L).endSpec().build())
                    .getStatus().getToken();
        }
    }

    @Override
    public void close() {
        try {
            unregisterWebhooks();
        } catch (RuntimeException e) {
            // the control plane may be gone already; nothing is left to block then
        }
        stopService();
        tls.close();
    }
}
