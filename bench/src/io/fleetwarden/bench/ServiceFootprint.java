package io.fleetwarden.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fleetwarden.admission.WebhookPaths;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.AdmissionReviews;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.TlsFixture;
import io.fleetwarden.testing.WebhookClient;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory and CPU of the packaged service (target/quarkus-app) under admission load, for the Deployment's
 * requests and limits: starts the service as the container would (JVM sized by -XX:MaxRAM as by a memory
 * limit, MaxRAMPercentage as in deploy/base), with a mock API server, the loopback registry and the local
 * Sigstore, then sends OCIRepository, policy and tenancy reviews from several threads for a while. The
 * decision cache is set to 1 s so that most OCIRepository reviews verify again (registry round trips and
 * signature checks), the expensive case. Prints RSS (idle, peak), heap after a full GC, CPU.
 * Usage: bench/footprint [seconds] [threads]
 */
public final class ServiceFootprint {

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 90;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        String jvm = System.getProperty("footprint.jvm", "-XX:MaxRAM=384m -XX:MaxRAMPercentage=70 -XX:+ExitOnOutOfMemoryError");

        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of()), true);
        api.init();
        KubernetesClient kube = api.createClient();
        for (String crd : List.of("artifactpolicies", "tenancypolicies")) {
            kube.resource(Files.newInputStream(Path.of("deploy/base/crds/" + crd + ".fleetwarden.io.yaml"))).create();
        }
        for (String ns : List.of("flux-system", "apps", "infra")) {
            kube.resource("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + ns + "\"}}").create();
        }
        LocalSigstore sigstore = LocalSigstore.create();
        SignedArtifacts artifacts = new SignedArtifacts(TestRegistry.shared(), sigstore);
        kube.resource(new ByteArrayInputStream("""
                {"apiVersion":"fleetwarden.io/v1alpha1","kind":"ArtifactPolicy","metadata":{"name":"footprint"},
                 "spec":{"sources":["oci://%s/fp-*"],"authorities":[{"name":"push-artifact","trustedRoot":"local",
                   "keyless":{"issuer":"https://token.actions.githubusercontent.com",
                     "github":{"repository":"acme/fleet","workflow":".github/workflows/push-artifact.yaml",
                       "refs":["refs/heads/main"]}}}]}}""".formatted(artifacts.host()).getBytes(StandardCharsets.UTF_8))).create();
        List<String> objects = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String repo = SignedArtifacts.uniqueRepo("fp", "app" + i);
            Digest d = artifacts.publish(repo, "latest");
            if (i % 4 != 3) {
                artifacts.signBundle(repo, d, SigningRequest.github());
            }
            objects.add(ociRepository(artifacts.host(), repo));
        }
        Path root = Files.createTempFile("footprint-root", ".json");
        Files.write(root, sigstore.trustedRootJson());

        TlsFixture tls = TlsFixture.create();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        System.setProperty("quarkus.http.test-ssl-port", String.valueOf(port));
        List<String> command = new ArrayList<>(List.of(System.getProperty("footprint.java", "java")));
        command.addAll(List.of(jvm.split(" ")));
        command.addAll(List.of("-Dquarkus.http.ssl-port=" + port, "-Dfleetwarden.tls.cert-file=" + tls.certFile(),
                "-Dfleetwarden.tls.key-file=" + tls.keyFile(), "-Dquarkus.kubernetes-client.api-server-url=" + api.url("/"),
                "-Dquarkus.kubernetes-client.trust-certs=true", "-Dquarkus.kubernetes-client.namespace=flux-system",
                "-Dfleetwarden.gate.trusted-roots.local=" + root, "-Dfleetwarden.gate.cache-verified-for=1s",
                "-Dfleetwarden.gate.cache-denied-for=1s", "-Dquarkus.log.category.\"io.fleetwarden.admission\".level=WARN",
                "-jar", "target/quarkus-app/quarkus-run.jar"));
        Process service = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target/footprint-service.log").toFile()).start();
        long pid = service.pid();
        WebhookClient client = WebhookClient.trusting(List.of(tls.current().ca()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ready(client)) {
            if (System.nanoTime() > deadline || !service.isAlive()) {
                throw new IllegalStateException("service not ready; see target/footprint-service.log");
            }
            Thread.sleep(200); // polling a separate process's readiness; nothing to synchronise on
        }
        long idleRss = rssKib(pid);
        long cpuBefore = cpuTicks(pid);

        AtomicLong reviews = new AtomicLong();
        AtomicLong peak = new AtomicLong(idleRss);
        AtomicLong peakAnon = new AtomicLong(status(pid, "RssAnon:"));
        ExecutorService load = Executors.newFixedThreadPool(threads);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (int t = 0; t < threads; t++) {
            int offset = t;
            load.submit(() -> {
                int i = offset;
                while (System.nanoTime() < end) {
                    String obj = objects.get(i++ % objects.size());
                    client.postJson(WebhookPaths.VALIDATE_OCIREPOSITORY, AdmissionReviews.create("source.toolkit.fluxcd.io/v1",
                            "OCIRepository").resource("ocirepositories").namespace("apps").name("app").object(obj).json());
                    client.postJson(WebhookPaths.VALIDATE_TENANCY, AdmissionReviews.create("source.toolkit.fluxcd.io/v1",
                            "OCIRepository").resource("ocirepositories").namespace("apps").name("app").object(obj).json());
                    client.postJson(WebhookPaths.VALIDATE_POLICY, AdmissionReviews.create("fleetwarden.io/v1alpha1",
                            "ArtifactPolicy").resource("artifactpolicies").name("p").object(
                            "{\"apiVersion\":\"fleetwarden.io/v1alpha1\",\"kind\":\"ArtifactPolicy\",\"metadata\":{\"name\":\"p\"},"
                                    + "\"spec\":{\"sources\":[\"oci://ghcr.io/acme/*\"],\"authorities\":[{\"keyless\":{"
                                    + "\"issuer\":\"https://token.actions.githubusercontent.com\",\"subjectRegExp\":\"^x$\"}}]}}").json());
                    reviews.addAndGet(3);
                }
                return null;
            });
        }
        while (System.nanoTime() < end) {
            peak.accumulateAndGet(rssKib(pid), Math::max);
            peakAnon.accumulateAndGet(status(pid, "RssAnon:"), Math::max);
            Thread.sleep(250); // sampling interval
        }
        load.shutdown();
        load.awaitTermination(30, TimeUnit.SECONDS);
        long cpu = cpuTicks(pid) - cpuBefore;
        String heapBusy = jcmd(pid, "GC.heap_info");
        jcmd(pid, "GC.run");
        String heapAfterGc = jcmd(pid, "GC.heap_info");
        if (jvm.contains("NativeMemoryTracking")) {
            System.out.println("native memory (committed, KiB):\n" + jcmd(pid, "VM.native_memory summary").lines()
                    .map(String::strip).filter(l -> l.contains("committed=") && (l.startsWith("-") || l.startsWith("Total")))
                    .reduce("", (a, b) -> a + b + "\n"));
        }
        System.out.printf("JVM options: %s, %d client threads, %d s%n", jvm, threads, seconds);
        System.out.printf("reviews answered: %d (%.0f/s)%n", reviews.get(), reviews.get() / (double) seconds);
        System.out.printf("RSS idle (ready, before load): %d MiB%n", idleRss / 1024);
        System.out.printf("RSS peak under load:           %d MiB%n", peak.get() / 1024);
        System.out.printf("RSS peak, anonymous only:      %d MiB (the rest is mapped files: libjvm, jars)%n",
                peakAnon.get() / 1024);
        System.out.printf("RSS after load:                %d MiB%n", rssKib(pid) / 1024);
        System.out.printf("CPU under load: %.2f cores on average%n", cpu / 100.0 / seconds);
        System.out.println("heap at end of load:\n" + heapBusy);
        System.out.println("heap after a full GC:\n" + heapAfterGc);
        service.destroy();
        service.waitFor(20, TimeUnit.SECONDS);
        artifacts.close();
        tls.close();
        api.destroy();
        System.exit(0);
    }

    static String ociRepository(String host, String repo) {
        return """
                {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"OCIRepository","metadata":{"name":"app","namespace":"apps"},
                 "spec":{"interval":"5m","url":"oci://%s/%s","ref":{"tag":"latest"},
                   "verify":{"provider":"cosign","matchOIDCIdentity":[{"issuer":"^https://token\\\\.actions\\\\.githubusercontent\\\\.com$",
                     "subject":"^https://github\\\\.com/acme/fleet/\\\\.github/workflows/push-artifact\\\\.yaml@refs/heads/main$"}]}}}
                """.formatted(host, repo);
    }

    private static boolean ready(WebhookClient client) {
        try {
            return client.get("/q/health/ready").statusCode() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static long rssKib(long pid) throws Exception {
        return status(pid, "VmRSS:");
    }

    private static long status(long pid, String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    private static long cpuTicks(long pid) throws Exception {
        String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceAll(".*\\) ", "").split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime, in clock ticks (100/s)
    }

    private static String jcmd(long pid, String command) throws Exception {
        Process p = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().filter(l -> !l.matches("^\\d+:$")).reduce("", (a, b) -> a + "  " + b.strip() + "\n");
    }
}
