package io.fleetwarden.testing.cluster;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetwarden.testing.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The kubelet of one node, for fleetwarden's own pods: what lets a test install fleetwarden on a control plane
 * that has no kubelet exactly as docs/operations.md says ({@code kubectl apply -k deploy/overlays/guard}, then
 * {@code kubectl rollout status}), with the webhooks reached through deploy/'s Service as shipped.
 *
 * <p>It registers a Node, binds every pending pod of image {@value #IMAGE} to it (there is no scheduler), and
 * runs each pod's container as the packaged service ({@code target/quarkus-app}, the JVM build of that image)
 * with what the pod spec gives a container: its env (literals and {@code fieldRef}s), its memory limit (as
 * {@code -XX:MaxRAM}, which is what the JVM reads from the container's cgroup), a service-account token bound to
 * the pod (so the process has exactly the pod's permissions, and loses them with the pod), and its Secret volume
 * ({@link SecretMount}). It probes {@code /q/health/ready} like the readiness probe (HTTPS, the certificate not
 * checked, as the kubelet does) and writes the pod's status: Running with the node's address as pod IP, Ready when
 * the probe passes, so the controller manager's EndpointSlices send the API server's webhook calls there
 * ({@link ControlPlane} routes webhooks by endpoints). A pod marked for deletion has its process stopped and is
 * then deleted, as the kubelet confirms a termination.
 *
 * <p>What differs from a node, and why: every pod gets the node's own (non-loopback) address, since EndpointSlices
 * refuse loopback addresses and a test machine has one address. That address has one container port: the first
 * replica listens on it and takes every webhook call the API server routes to either pod; a second replica runs on a
 * free port of the same address, with its own token, leader election and probe, but receives no webhook call.
 * {@code hostEnvironment} is added to every container's env for what only this machine needs (a plain-HTTP test
 * registry); the caller says what and why. Other pods are left pending.
 */
public final class KubeletStandIn implements AutoCloseable {

    public static final String NODE = "kubelet-stand-in";
    public static final String IMAGE = "ghcr.io/fleetwarden/fleetwarden";
    private static final String TLS_MOUNT = "/etc/fleetwarden/tls";
    private static final Duration PROBE_PERIOD = Duration.ofMillis(500);

    private final ControlPlane plane;
    private final KubernetesClient client;
    private final Path app;
    private final Path dir;
    private final String address;
    private final Map<String, String> hostEnvironment;
    private final Map<String, RunningPod> running = new ConcurrentHashMap<>();
    private final Map<String, SecretMount> mounts = new ConcurrentHashMap<>();
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient prober = HttpClient.newBuilder().sslContext(skipVerification())
            .connectTimeout(Duration.ofSeconds(1)).build();
    /** One thread: pod events and probes are handled in order, as one kubelet's sync loop does. */
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kubelet-stand-in");
        t.setDaemon(true);
        return t;
    });
    private SharedIndexInformer<Pod> informer;

    private record RunningPod(String namespace, String name, ServiceProcess process, boolean ready) {
        RunningPod withReady(boolean now) {
            return new RunningPod(namespace, name, process, now);
        }
    }

    private KubeletStandIn(ControlPlane plane, Path app, Path dir, String address, Map<String, String> hostEnvironment) {
        this.plane = plane;
        this.client = plane.adminClient();
        this.app = app;
        this.dir = dir;
        this.address = address;
        this.hostEnvironment = Map.copyOf(hostEnvironment);
    }

    /** Registers the node and starts serving pods of {@value #IMAGE} in any namespace. */
    public static KubeletStandIn start(ControlPlane plane, Path app, Path dir, Map<String, String> hostEnvironment) {
        KubeletStandIn kubelet = new KubeletStandIn(plane, app, dir, nodeAddress(), hostEnvironment);
        kubelet.registerNode();
        kubelet.informer = kubelet.client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                kubelet.loop.execute(() -> kubelet.sync(pod));
            }

            @Override
            public void onUpdate(Pod before, Pod pod) {
                kubelet.loop.execute(() -> kubelet.sync(pod));
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                kubelet.loop.execute(() -> kubelet.stop(key(pod)));
            }
        });
        kubelet.loop.scheduleWithFixedDelay(kubelet::probeAll, 0, PROBE_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return kubelet;
    }

    /** The address pods get: the first non-loopback, non-link-local IPv4 address of this machine. */
    public String address() {
        return address;
    }

    /** What it did, in order ("bound flux-system/x", "started ...", "ready ...", "stopped ..."), for a failure message. */
    public List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The running processes by pod ({@code namespace/name}), e.g. to read a replica's log. */
    public Map<String, ServiceProcess> processes() {
        Map<String, ServiceProcess> out = new HashMap<>();
        running.forEach((k, v) -> out.put(k, v.process()));
        return out;
    }

    private void registerNode() {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE)
                .addToLabels("kubernetes.io/hostname", NODE).endMetadata()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress(address).endAddress()
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withMessage("fleetwarden's kubelet stand-in").endCondition().endStatus().build())
                .createOr(NonDeletingOperation::update);
    }

    private void sync(Pod pod) {
        try {
            String key = key(pod);
            if (!isOurs(pod)) {
                return;
            }
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                stop(key);
                // The kubelet's confirmation that the containers are gone: only then does the pod disappear.
                client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                        .withGracePeriod(0).delete();
                return;
            }
            if (pod.getSpec().getNodeName() == null) {
                client.bindings().inNamespace(pod.getMetadata().getNamespace()).resource(new BindingBuilder()
                        .withNewMetadata().withName(pod.getMetadata().getName()).endMetadata()
                        .withNewTarget().withKind("Node").withName(NODE).endTarget().build()).create();
                events.add("bound " + key);
                return;
            }
            if (NODE.equals(pod.getSpec().getNodeName()) && !running.containsKey(key)) {
                ServiceProcess process = run(pod);
                running.put(key, new RunningPod(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), process, false));
                events.add("started " + key + " (log " + process.log() + ")");
                writeStatus(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), false);
            }
        } catch (RuntimeException | IOException e) {
            events.add("failed on " + key(pod) + ": " + e);
        }
    }

    private static boolean isOurs(Pod pod) {
        return pod.getSpec().getContainers().size() == 1
                && pod.getSpec().getContainers().get(0).getImage().startsWith(IMAGE + ":");
    }

    private ServiceProcess run(Pod pod) throws IOException {
        Container container = pod.getSpec().getContainers().get(0);
        Map<String, String> env = new HashMap<>();
        for (EnvVar var : container.getEnv()) {
            env.put(var.getName(), value(pod, var));
        }
        env.putAll(hostEnvironment);
        Path podDir = Files.createDirectories(dir.resolve(pod.getMetadata().getName()));
        Path kubeconfig = Files.writeString(podDir.resolve("kubeconfig"), plane.tokenKubeconfig(token(pod)));
        int containerPort = container.getPorts().stream().filter(p -> "https".equals(p.getName())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the container has no port named https")).getContainerPort();
        // The node's one address has one container port: the first replica listens on it and takes the API
        // server's calls; another listens on a free port of the same address, runs and is probed all the same.
        boolean portTaken = running.values().stream().anyMatch(r -> r.process().isAlive() && r.process().port() == containerPort);
        int port = portTaken ? io.fleetwarden.testing.LoopbackPorts.free() : containerPort;
        Map<String, String> properties = new HashMap<>();
        // Where a pod finds the API server and its token (in a pod: the service account's projected volume).
        properties.put("kubeconfig", kubeconfig.toString());
        properties.put("quarkus.http.host", address);
        properties.put("quarkus.http.ssl-port", String.valueOf(port));
        SecretMount tls = mount(pod, container);
        properties.put("fleetwarden.tls.cert-file", tls.certFile().toString());
        properties.put("fleetwarden.tls.key-file", tls.keyFile().toString());
        List<String> jvm = new ArrayList<>();
        Quantity memory = container.getResources().getLimits() == null ? null : container.getResources().getLimits().get("memory");
        if (memory != null) {
            jvm.add("-XX:MaxRAM=" + Quantity.getAmountInBytes(memory).toBigInteger());
        }
        return ServiceProcess.start(app, properties, jvm, env);
    }

    /** The container's Secret volume at fleetwarden's TLS path, projected as the kubelet projects it. */
    private SecretMount mount(Pod pod, Container container) {
        VolumeMount at = container.getVolumeMounts().stream().filter(m -> TLS_MOUNT.equals(m.getMountPath())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the container mounts nothing at " + TLS_MOUNT));
        Volume volume = pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(at.getName())).findFirst()
                .orElseThrow();
        String secret = volume.getSecret().getSecretName();
        return mounts.computeIfAbsent(pod.getMetadata().getNamespace() + "/" + secret, k -> SecretMount.start(client,
                pod.getMetadata().getNamespace(), secret, dir.resolve("secret-" + secret)));
    }

    private static String value(Pod pod, EnvVar var) {
        if (var.getValueFrom() == null) {
            return var.getValue();
        }
        String path = var.getValueFrom().getFieldRef() == null ? null : var.getValueFrom().getFieldRef().getFieldPath();
        return switch (String.valueOf(path)) {
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.name" -> pod.getMetadata().getName();
            default -> throw new IllegalStateException("the stand-in does not resolve env " + var.getName() + " from " + var.getValueFrom());
        };
    }

    /** A token of the pod's service account bound to the pod, as the kubelet projects it. */
    private String token(Pod pod) {
        return client.serviceAccounts().inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getSpec().getServiceAccountName())
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L)
                        .withNewBoundObjectRef().withApiVersion("v1").withKind("Pod").withName(pod.getMetadata().getName())
                        .withUid(pod.getMetadata().getUid()).endBoundObjectRef().endSpec().build())
                .getStatus().getToken();
    }

    private void probeAll() {
        for (Map.Entry<String, RunningPod> e : running.entrySet()) {
            RunningPod pod = e.getValue();
            boolean ready = pod.process().isAlive() && ready(pod.process());
            if (ready != pod.ready()) {
                try {
                    writeStatus(pod.namespace(), pod.name(), ready);
                    running.put(e.getKey(), pod.withReady(ready));
                    events.add((ready ? "ready " : "not ready ") + e.getKey());
                } catch (RuntimeException ex) {
                    events.add("status of " + e.getKey() + " not written: " + ex);
                }
            }
        }
    }

    private boolean ready(ServiceProcess process) {
        try {
            HttpResponse<Void> r = prober.send(HttpRequest.newBuilder(URI.create("https://" + address + ":"
                    + process.port() + "/q/health/ready")).timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void writeStatus(String namespace, String name, boolean ready) {
        String now = Instant.now().toString();
        String readyStatus = ready ? "True" : "False";
        client.pods().inNamespace(namespace).withName(name).editStatus(p -> new PodBuilder(p).editOrNewStatus()
                .withPhase("Running").withHostIP(address).withPodIP(address)
                .withPodIPs(new io.fabric8.kubernetes.api.model.PodIPBuilder().withIp(address).build())
                .withStartTime(p.getStatus() != null && p.getStatus().getStartTime() != null ? p.getStatus().getStartTime() : now)
                .withConditions(condition("PodScheduled", "True", now), condition("Initialized", "True", now),
                        condition("ContainersReady", readyStatus, now), condition("Ready", readyStatus, now))
                .withContainerStatuses(new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
                        .withName(p.getSpec().getContainers().get(0).getName())
                        .withImage(p.getSpec().getContainers().get(0).getImage()).withImageID("")
                        .withReady(ready).withStarted(true).withRestartCount(0)
                        .withNewState().withNewRunning().withStartedAt(now).endRunning().endState().build())
                .endStatus().build());
    }

    private static PodCondition condition(String type, String status, String now) {
        return new PodConditionBuilder().withType(type).withStatus(status).withLastTransitionTime(now).build();
    }

    private void stop(String key) {
        RunningPod pod = running.remove(key);
        if (pod != null) {
            pod.process().close();
            events.add("stopped " + key);
        }
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    /** Stops every process, the informer and the mounts; the Node object stays (the control plane goes with it). */
    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        loop.shutdownNow();
        try {
            loop.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running.values().forEach(p -> p.process().close());
        running.clear();
        mounts.values().forEach(SecretMount::close);
        client.close();
    }

    private static String nodeAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("the kubelet stand-in needs a non-loopback IPv4 address on this machine "
                + "(EndpointSlices refuse loopback addresses, so the API server could not be routed to a pod); none is up");
    }

    /** The kubelet's probe: HTTPS without certificate or host name checks. */
    private static SSLContext skipVerification() {
        TrustManager trustAll = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] { trustAll }, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
