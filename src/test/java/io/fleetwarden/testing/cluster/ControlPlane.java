package io.fleetwarden.testing.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fleetwarden.testing.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver and kube-controller-manager, built from
 * their pinned Go modules ({@link Components}), each on free ports, with RBAC authorization, a fresh PKI
 * ({@link ClusterPki}), an admin identity ({@code system:masters}) for the tests, and service account token
 * issuance so service-account tokens and impersonation work as in a cluster. The controller manager makes
 * namespaces finish deleting, garbage-collects owned objects, creates {@code default} service accounts and
 * gives Deployments a status. There is no scheduler and no kubelet: pods never run.
 *
 * <p>{@link #shared()} is the one control plane of a test JVM, started on first use and stopped by a
 * shutdown hook; the processes cannot outlive the JVM even when it is killed ({@link GuardedProcess}).
 * Tests isolate themselves by namespace. Component logs stay under {@code target/control-plane/<start>/}.
 */
public final class ControlPlane implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static ControlPlane shared;

    private final Path dir;
    private final ClusterPki pki;
    private final URI url;
    private final List<GuardedProcess> processes;
    private final String adminKubeconfig;
    private final Duration startup;

    private ControlPlane(Path dir, ClusterPki pki, URI url, List<GuardedProcess> processes, String adminKubeconfig,
            Duration startup) {
        this.dir = dir;
        this.pki = pki;
        this.url = url;
        this.processes = processes;
        this.adminKubeconfig = adminKubeconfig;
        this.startup = startup;
    }

    /** The control plane of this JVM, started on first use, with our CRDs and Flux's installed. */
    public static synchronized ControlPlane shared() {
        if (shared == null) {
            ControlPlane started = start(Components.locate(), defaultDir());
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "control-plane-stop"));
            CustomResourceDefinitions.installAll(started);
            shared = started;
        }
        return shared;
    }

    static Path defaultDir() {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC).format(Instant.now());
        return Components.repositoryRoot().resolve("target/control-plane/" + stamp + "-" + ProcessHandle.current().pid());
    }

    /** Starts a control plane whose files (certificates, etcd data, logs) live in {@code dir}. */
    public static ControlPlane start(Components components, Path dir) {
        return start(components, dir, List.of());
    }

    /**
     * As {@link #start(Components, Path)}, with extra kube-controller-manager flags (a benchmark raises its client
     * QPS, 20 by default, to show how much of a figure the controller manager's Deployment handling is).
     */
    public static ControlPlane start(Components components, Path dir, List<String> controllerManagerFlags) {
        return start(components, dir, controllerManagerFlags, List.of());
    }

    /**
     * As {@link #start(Components, Path, List)}, with extra kube-apiserver flags too (the side-by-side benchmark
     * turns on an audit log to count each client's requests).
     */
    public static ControlPlane start(Components components, Path dir, List<String> controllerManagerFlags,
            List<String> apiServerFlags) {
        Instant begin = Instant.now();
        List<GuardedProcess> processes = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            ClusterPki pki = ClusterPki.create();
            Path ca = ClusterPki.write(dir.resolve("ca.crt"), pki.caPem());
            ClusterPki.Credential serving = pki.apiServerServing();
            Path servingCert = ClusterPki.write(dir.resolve("apiserver.crt"), serving.certificatePem());
            Path servingKey = ClusterPki.write(dir.resolve("apiserver.key"), serving.keyPem());
            String[] saKeys = ClusterPki.serviceAccountSigningKey();
            Path saPublic = ClusterPki.write(dir.resolve("sa.pub"), saKeys[0]);
            Path saPrivate = ClusterPki.write(dir.resolve("sa.key"), saKeys[1]);

            int etcdPort = LoopbackPorts.free();
            int etcdPeerPort = LoopbackPorts.free();
            String etcdUrl = "http://127.0.0.1:" + etcdPort;
            GuardedProcess etcd = GuardedProcess.start("etcd", List.of(components.etcd().toString(),
                    "--name=default", "--data-dir=" + dir.resolve("etcd-data"),
                    "--listen-client-urls=" + etcdUrl, "--advertise-client-urls=" + etcdUrl,
                    "--listen-peer-urls=http://127.0.0.1:" + etcdPeerPort,
                    "--initial-advertise-peer-urls=http://127.0.0.1:" + etcdPeerPort,
                    "--initial-cluster=default=http://127.0.0.1:" + etcdPeerPort,
                    // Test data: losing it on a power cut is fine, waiting for fsync on every write is not.
                    "--unsafe-no-fsync=true", "--log-level=warn"), Map.of(), dir.resolve("etcd.log"));
            processes.add(etcd);
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            awaitHealthy(etcd, () -> get(plain, URI.create(etcdUrl + "/health")) == 200);

            int apiPort = LoopbackPorts.free();
            URI url = URI.create("https://127.0.0.1:" + apiPort);
            GuardedProcess apiServer = GuardedProcess.start("kube-apiserver", concat(List.of(
                    components.kubeApiServer().toString(),
                    "--etcd-servers=" + etcdUrl,
                    "--bind-address=127.0.0.1", "--secure-port=" + apiPort,
                    // The API server advertises an address in the kubernetes Service's endpoints; loopback is
                    // refused there, so the endpoint reconciler is off (nothing in these tests uses that Service).
                    "--advertise-address=127.0.0.1", "--endpoint-reconciler-type=none",
                    "--tls-cert-file=" + servingCert, "--tls-private-key-file=" + servingKey,
                    "--client-ca-file=" + ca,
                    "--authorization-mode=RBAC",
                    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                    "--service-account-key-file=" + saPublic, "--service-account-signing-key-file=" + saPrivate,
                    "--api-audiences=https://kubernetes.default.svc.cluster.local",
                    "--service-cluster-ip-range=10.0.0.0/24", "--allow-privileged=true",
                    // Webhooks named by Service are dialled at an address of the Service's EndpointSlices, not at
                    // its cluster IP (there is no kube-proxy here): what lets a test run deploy/'s Service as
                    // shipped, with KubeletStandIn giving the pods their address. Tests that register webhooks by
                    // URL are unaffected.
                    "--enable-aggregator-routing=true",
                    "--profiling=false", "--v=1"), apiServerFlags), Map.of(), dir.resolve("kube-apiserver.log"));
            processes.add(apiServer);
            // HTTP/1.1: the JDK 17 client's HTTP/2 preface gets a GOAWAY from Go's HTTP/2 server.
            HttpClient tls = HttpClient.newBuilder().sslContext(trusting(pki.caPem())).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2)).build();
            awaitHealthy(apiServer, () -> get(tls, url.resolve("/readyz")) == 200);

            String adminKubeconfig = kubeconfig(url, pki.caPem(), pki.client("fleetwarden-test-admin", "system:masters"));
            Files.writeString(dir.resolve("admin.kubeconfig"), adminKubeconfig);
            Path controllerKubeconfig = dir.resolve("kube-controller-manager.kubeconfig");
            // The controller manager acts with its own identity for every controller (no per-controller
            // service account credentials), so it is given the cluster-admin group rather than the
            // system:controller:* roles it would bind to per controller.
            Files.writeString(controllerKubeconfig, kubeconfig(url, pki.caPem(),
                    pki.client("system:kube-controller-manager", "system:masters")));
            List<String> kcm = new ArrayList<>(List.of(
                    components.kubeControllerManager().toString(),
                    "--kubeconfig=" + controllerKubeconfig,
                    "--authentication-kubeconfig=" + controllerKubeconfig,
                    "--authorization-kubeconfig=" + controllerKubeconfig,
                    "--leader-elect=false", "--bind-address=127.0.0.1", "--secure-port=0",
                    "--use-service-account-credentials=false",
                    "--service-account-private-key-file=" + saPrivate, "--root-ca-file=" + ca,
                    "--controllers=*,-nodeipam,-nodelifecycle,-cloud-node-lifecycle",
                    "--v=1"));
            kcm.addAll(controllerManagerFlags);
            GuardedProcess controllerManager = GuardedProcess.start("kube-controller-manager", kcm, Map.of(),
                    dir.resolve("kube-controller-manager.log"));
            processes.add(controllerManager);
            try (KubernetesClient client = clientFor(adminKubeconfig)) {
                // The service account controller running is what tests rely on (default accounts exist).
                awaitHealthy(controllerManager, () -> client.serviceAccounts().inNamespace("default")
                        .withName("default").get() != null);
            }
            return new ControlPlane(dir, pki, url, List.copyOf(processes), adminKubeconfig,
                    Duration.between(begin, Instant.now()));
        } catch (IOException e) {
            processes.forEach(GuardedProcess::close);
            throw new UncheckedIOException("cannot start the control plane in " + dir, e);
        } catch (RuntimeException | Error e) {
            processes.forEach(GuardedProcess::close);
            throw e;
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    public URI url() {
        return url;
    }

    public String caPem() {
        return pki.caPem();
    }

    /** Where the certificates, etcd's data and the component logs are. */
    public Path dir() {
        return dir;
    }

    /** How long {@link #start} took until every component was ready. */
    public Duration startup() {
        return startup;
    }

    public List<GuardedProcess> processes() {
        return processes;
    }

    /** A kubeconfig (certificates embedded) for the admin ({@code system:masters}). */
    public String adminKubeconfig() {
        return adminKubeconfig;
    }

    /** A new client as the admin; close it. */
    public KubernetesClient adminClient() {
        return clientFor(adminKubeconfig);
    }

    /** A new client for a kubeconfig of this control plane; close it. */
    public static KubernetesClient clientFor(String kubeconfig) {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
    }

    /** A kubeconfig for a client-certificate user (CN {@code user}, O {@code groups}), not an admin unless asked. */
    public String userKubeconfig(String user, String... groups) {
        return kubeconfig(url, pki.caPem(), pki.client(user, groups));
    }

    /** A kubeconfig that authenticates with a bearer token (a service account token from the TokenRequest API). */
    public String tokenKubeconfig(String token) {
        return kubeconfig(url, pki.caPem(), "token: " + token);
    }

    @Override
    public void close() {
        // Reverse order: the controller manager and the API server go before their storage.
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
    }

    private static String kubeconfig(URI server, String caPem, ClusterPki.Credential user) {
        return kubeconfig(server, caPem, "client-certificate-data: " + base64(user.certificatePem())
                + "\n    client-key-data: " + base64(user.keyPem()));
    }

    /** A one-cluster, one-user kubeconfig; {@code credentials} are the user's fields (indented under {@code user:}). */
    private static String kubeconfig(URI server, String caPem, String credentials) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: fleetwarden-test
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: user
                  user:
                    %s
                contexts:
                - name: fleetwarden-test
                  context: {cluster: fleetwarden-test, user: user}
                current-context: fleetwarden-test
                """.formatted(server, base64(caPem), credentials);
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    /** Polls {@code healthy} until it holds, failing at once with the log's tail if the component dies. */
    private static void awaitHealthy(GuardedProcess process, BooleanSupplier healthy) {
        Instant end = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(end)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.name() + " exited during start-up; its log ("
                        + process.log() + ") ends with:\n" + process.tail(40));
            }
            try {
                if (healthy.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not serving yet
            }
            try {
                Thread.sleep(50); // polling a process we do not control; there is nothing to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting " + process.name(), e);
            }
        }
        throw new IllegalStateException(process.name() + " was not ready after " + START_TIMEOUT + "; its log ("
                + process.log() + ") ends with:\n" + process.tail(40));
    }

    private static int get(HttpClient client, URI uri) {
        try {
            return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static SSLContext trusting(String caPem) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot trust the test cluster CA", e);
        }
    }
}
