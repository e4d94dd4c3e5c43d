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
 * <p>By default the service serves a certificate from a {@link TlsFixture} (the cert-manager overlay's
 * arrangement: {@code fleetwarden.certs.self-managed=false}), and the CA goes into {@code caBundle} the way
 * cainjector would put it there. {@link #prepareSelfManaged} is the base arrangement instead: the service
 * makes its own Secrets ({@code fleetwarden.certs.ip-addresses=127.0.0.1}, since the API server dials the
 * loopback address), a {@link SecretMount} plays the kubelet, and the webhook configurations are registered
 * without {@code caBundle}, as shipped, for the leader to fill in.
 */
public final class LocalCluster implements AutoCloseable {

    public static final String NAMESPACE = "flux-system";
    public static final String SERVICE_ACCOUNT = "fleetwarden";
    /** Kinds of deploy/base that only make sense with a kubelet and cluster networking. */
    private static final Set<String> NOT_OUT_OF_CLUSTER = Set.of("Deployment", "PodDisruptionBudget", "NetworkPolicy",
            "Service", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "CustomResourceDefinition");

    /** Where the API server reaches the service, and the IP SAN a self-managed certificate needs for it. */
    public static final String LOOPBACK = "127.0.0.1";
    /** The field manager that applied deploy/base: applying an object again with it removes what is left out. */
    public static final String FIELD_MANAGER = "fleetwarden-tests";

    private final ControlPlane plane;
    private final Path app;
    private final Path dir;
    private final boolean selfManaged;
    private final TlsFixture tls;
    private final Map<String, String> extraProperties;
    private final List<HasMetadata> base;
    private final List<GenericKubernetesResource> shippedWebhooks;
    /** Fixed for the cluster's life: the registered webhook configurations name it. */
    private final int port;
    private ServiceProcess service;
    private KubernetesClient mountClient;
    private SecretMount mount;

    private LocalCluster(ControlPlane plane, Path app, Path dir, Map<String, String> extraProperties,
            List<HasMetadata> base, List<GenericKubernetesResource> shippedWebhooks, boolean selfManaged) {
        this.plane = plane;
        this.app = app;
        this.dir = dir;
        this.selfManaged = selfManaged;
        this.tls = selfManaged ? null : TlsFixture.create();
        this.extraProperties = Map.copyOf(extraProperties);
        this.base = base;
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
        LocalCluster cluster = prepare(plane, app, dir, properties, false);
        try {
            cluster.startService();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cluster.registerWebhooks();
        return cluster;
    }

    /**
     * deploy/base's RBAC installed, nothing started: the self-managed arrangement. {@code properties} should
     * set short {@code fleetwarden.certs.*} lifetimes when a test wants to see a rotation. Start with
     * {@link #startService()}, then {@link #registerWebhooks()} (which waits until the leader filled in
     * {@code caBundle} and the API server calls the webhook).
     */
    public static LocalCluster prepareSelfManaged(ControlPlane plane, Path app, Path dir, Map<String, String> properties) {
        return prepare(plane, app, dir, properties, true);
    }

    private static LocalCluster prepare(ControlPlane plane, Path app, Path dir, Map<String, String> properties,
            boolean selfManaged) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<HasMetadata> base = DeployManifests.render(Components.locate(), "deploy/base");
        List<GenericKubernetesResource> webhooks = new ArrayList<>();
        try (KubernetesClient admin = plane.adminClient()) {
            admin.resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
                    .createOr(NonDeletingOperation::update);
            for (HasMetadata object : base) {
                if (object.getKind().endsWith("WebhookConfiguration")) {
                    webhooks.add((GenericKubernetesResource) object);
                } else if (!NOT_OUT_OF_CLUSTER.contains(object.getKind())) {
                    admin.resource(object).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
                }
            }
        }
        return new LocalCluster(plane, app, dir, properties, base, webhooks, selfManaged);
    }

    /** An object of deploy/base as rendered (a copy: change it freely and apply it as {@link #FIELD_MANAGER}). */
    public GenericKubernetesResource baseObject(String kind, String name) {
        return base.stream().filter(o -> o.getKind().equals(kind) && o.getMetadata().getName().equals(name))
                .map(o -> io.fabric8.kubernetes.client.utils.Serialization.clone((GenericKubernetesResource) o))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("deploy/base has no " + kind + " " + name));
    }

    /** The kubelet stand-in of the self-managed arrangement (null otherwise, or before the first start). */
    public SecretMount mount() {
        return mount;
    }

    public ControlPlane plane() {
        return plane;
    }

    /** The certificate fixture of the default arrangement (null when self-managed). */
    public TlsFixture tls() {
        return tls;
    }

    public ServiceProcess service() {
        return service;
    }

    /** A client of the running service's HTTPS port that trusts the serving CA. */
    public WebhookClient webhookClient() {
        if (selfManaged) {
            return WebhookClient.trusting(mount.cas()).at(LOOPBACK, service.port());
        }
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
        // A policy applied with kubectl shows Ready within a second instead of the in-cluster 15 s.
        properties.putIfAbsent("fleetwarden.leader.policy-status-period", "1s");
        // A repeated denial shows in its Event's count within a second instead of the in-cluster 30 s.
        properties.putIfAbsent("fleetwarden.events.flush-period", "1s");
        if (!selfManaged) {
            properties.put("fleetwarden.tls.cert-file", tls.certFile().toString());
            properties.put("fleetwarden.tls.key-file", tls.keyFile().toString());
            properties.putIfAbsent("fleetwarden.certs.self-managed", "false");
            ServiceProcess started = ServiceProcess.start(app, properties, jvmOptions());
            service = started;
            if (awaitReady) {
                started.awaitReady(WebhookClient.trusting(tls.allCas()), Duration.ofSeconds(60));
            }
            return;
        }
        if (mount == null) {
            // Watching before the service starts: its bootstrap creates the Secret, then waits for the files.
            mountClient = plane.adminClient();
            mount = SecretMount.start(mountClient, NAMESPACE, "fleetwarden-webhook-tls", dir.resolve("tls"));
        }
        properties.put("fleetwarden.tls.cert-file", mount.certFile().toString());
        properties.put("fleetwarden.tls.key-file", mount.keyFile().toString());
        properties.put("fleetwarden.certs.self-managed", "true");
        properties.putIfAbsent("fleetwarden.certs.ip-addresses", LOOPBACK);
        properties.putIfAbsent("fleetwarden.tls.reload-period", "1s");
        ServiceProcess started = ServiceProcess.start(app, properties, jvmOptions());
        service = started;
        try {
            awaitMounted(started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the certificate Secret", e);
        }
        started.awaitReady(WebhookClient.trusting(mount.cas()).at(LOOPBACK, started.port()), Duration.ofSeconds(60));
    }

    /** Until the service's bootstrap made the Secret and it is projected, or the service gave up. */
    private void awaitMounted(ServiceProcess started) throws IOException, InterruptedException {
        java.time.Instant end = java.time.Instant.now().plusSeconds(60);
        while (!mount.awaitMounted(Duration.ofMillis(200))) {
            if (!started.isAlive() || java.time.Instant.now().isAfter(end)) {
                throw new IOException("no certificate Secret was mounted" + (started.isAlive() ? " within 60 s" : ": the service exited")
                        + "; log: " + started.log() + "\n" + started.tail());
            }
        }
    }

    /** Stops the service; the webhook configurations stay registered (failurePolicy then decides). */
    public synchronized void stopService() {
        if (service != null) {
            service.close();
            service = null;
        }
    }

    /**
     * Registers deploy/'s webhook configurations for the running service, with the fixture's current CA
     * (self-managed: with no caBundle, as shipped), and waits until the API server calls the policy webhook.
     */
    public void registerWebhooks() {
        registerWebhooksWithoutWaiting();
        try (KubernetesClient admin = plane.adminClient()) {
            WebhookRegistration.awaitEnforced(admin);
        }
    }

    /** {@link #registerWebhooks()} without waiting for the API server to reach the webhook. */
    public void registerWebhooksWithoutWaiting() {
        String caPem = selfManaged ? null : TlsFixture.pem(tls.current().ca());
        List<GenericKubernetesResource> rewritten = shippedWebhooks.stream()
                .map(w -> WebhookRegistration.forLoopback(w, port, caPem))
                .toList();
        try (KubernetesClient admin = plane.adminClient()) {
            WebhookRegistration.apply(admin, rewritten);
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
        if (mount != null) {
            mount.close();
            mountClient.close();
        }
        if (tls != null) {
            tls.close();
        }
    }

    /**
     * The service's JVM options: {@code -Xmx256m}, plus {@code FLEETWARDEN_SERVICE_JAVA_OPTS} (space-separated) when
     * set, for a benchmark that profiles the packaged service (e.g. a JFR recording).
     */
    private static List<String> jvmOptions() {
        List<String> options = new ArrayList<>(List.of("-Xmx256m"));
        String extra = System.getenv().getOrDefault("FLEETWARDEN_SERVICE_JAVA_OPTS", "").trim();
        if (!extra.isEmpty()) {
            options.addAll(List.of(extra.split("\\s+")));
        }
        return options;
    }
}
