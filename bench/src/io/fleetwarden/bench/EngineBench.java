package io.fleetwarden.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.apply.Impersonation;
import io.fleetwarden.apply.TenantClients;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.reconcile.Engine;
import io.fleetwarden.reconcile.FluxKinds;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.cluster.Components;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.CustomResourceDefinitions;
import io.fleetwarden.testing.cluster.EngineOnCluster;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The engine benchmarks of the reconciler issue (15), run by {@code bench/engine}. Starts its own registry, local
 * Sigstore and a FRESH control plane (etcd, kube-apiserver, kube-controller-manager), runs engine mode in this
 * JVM wired as the service wires it ({@link EngineOnCluster.Options#service}: concurrency 4 / 8, Flux's backoff,
 * the 256 MiB store, namespace labels from an informer), and measures, each phase with its own engine (a shard
 * key of its own, so a phase never reconciles an earlier phase's objects):
 *
 * <ol>
 * <li>artifact-to-applied for D2's staging apps (frontend and backend components): from the tag push to
 *     {@code lastAppliedRevision} = the new revision, seen by a watch;</li>
 * <li>a no-op reconcile of a 50-object Kustomization (requests counted as they leave the client, wall time),
 *     next to a naive controller that server-side-applies all 50 every time and to Flux's per-object GET +
 *     dry-run apply, emulated with the same client;</li>
 * <li>N Kustomizations of 4 objects each, Flux's scale-benchmark shape, each with its own signed artifact: time
 *     until all are Ready, live heap after a full GC, CPU per reconcile.</li>
 * </ol>
 *
 * <p>Arguments: {@code [scale sizes, comma-separated (100,1000)] [pushes (8)] [OCIRepository interval (1s)]
 * [no-op samples (10)] [kube-controller-manager client QPS (its default, 20)]}. A size of 0 skips phase 3;
 * {@code pushes} 0 skips phase 1, samples 0 phase 2. The QPS is a diagnostic, not Flux's shape: the Deployments'
 * readiness (and so {@code wait: true}) waits for the controller manager, which writes at 20 requests a second.
 */
public final class EngineBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "bench-engine";
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final ControlPlane plane;
    private final TestRegistry registry;
    private final LocalSigstore sigstore;
    private final SignedArtifacts artifacts;
    private final KubernetesClient admin;
    private final String policy;

    private EngineBench(ControlPlane plane, TestRegistry registry, LocalSigstore sigstore) {
        this.plane = plane;
        this.registry = registry;
        this.sigstore = sigstore;
        this.artifacts = new SignedArtifacts(registry, sigstore);
        this.admin = plane.adminClient();
        // The policies of EngineOnClusterTest: D2's signing identity, tenants labelled as D2 labels them.
        this.policy = io.fleetwarden.testing.cluster.FleetOnCluster.policies(registry.host(), BASE);
    }

    public static void main(String[] args) {
        int status = 1;
        try {
            run(args);
            status = 0;
        } catch (Exception e) {
            e.printStackTrace();
        }
        System.exit(status);
    }

    /**
     * Extra kube-apiserver flags from {@code BENCH_APISERVER_FLAGS} (space-separated), e.g. {@code --profiling=true}
     * to take a CPU profile of the API server during a run ({@code kubectl get --raw
     * '/debug/pprof/profile?seconds=60'}); none by default.
     */
    private static List<String> apiServerFlags() {
        String flags = System.getenv().getOrDefault("BENCH_APISERVER_FLAGS", "").trim();
        return flags.isEmpty() ? List.of() : List.of(flags.split("\\s+"));
    }

    private static void run(String[] args) throws Exception {
        int[] sizes = Arrays.stream((args.length > 0 ? args[0] : "100,1000").split(",")).mapToInt(Integer::parseInt)
                .filter(n -> n > 0).toArray();
        int pushes = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Duration interval = Duration.parse("PT" + (args.length > 2 ? args[2] : "1s").toUpperCase());
        int noOps = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        List<String> kcmFlags = args.length > 4 ? List.of("--kube-api-qps=" + args[4],
                "--kube-api-burst=" + (Integer.parseInt(args[4]) * 3 / 2)) : List.of();

        Runtime rt = Runtime.getRuntime();
        System.out.printf("java %s (%s), %d cpus, -Xmx %d MiB; load average %.2f at start%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"), rt.availableProcessors(),
                rt.maxMemory() >> 20, OS.getSystemLoadAverage());
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Instant begin = Instant.now();
        // A quiet registry: at level info it logs every request, CPU this 2-core machine has no spare of.
        try (TestRegistry registry = TestRegistry.startQuiet();
                ControlPlane plane = ControlPlane.start(Components.locate(),
                        Components.repositoryRoot().resolve("target/control-plane/engine-bench-" + stamp), kcmFlags,
                        apiServerFlags())) {
            CustomResourceDefinitions.installAll(plane);
            CustomResourceDefinitions.installFluxKinds(plane, "helm-controller.yaml", Set.of("HelmRelease"));
            System.out.printf("fresh control plane (etcd, kube-apiserver, kube-controller-manager) ready in %d ms,"
                    + " CRDs installed after %d ms; logs in %s; kube-controller-manager flags added: %s%n",
                    plane.startup().toMillis(), Duration.between(begin, Instant.now()).toMillis(), plane.dir(),
                    kcmFlags.isEmpty() ? "none (client QPS 20, burst 30)" : kcmFlags);
            EngineBench bench = new EngineBench(plane, registry, LocalSigstore.create());
            try {
                if (pushes > 0) {
                    bench.artifactToApplied(pushes, interval);
                }
                if (noOps > 0) {
                    bench.noOpReconcile(noOps);
                }
                for (int n : sizes) {
                    bench.scale(n);
                }
            } finally {
                bench.artifacts.close();
                bench.admin.close();
            }
        }
    }

    // ---- 1. artifact-to-applied ------------------------------------------------------------------------------

    private void artifactToApplied(int pushes, Duration interval) throws Exception {
        System.out.println("== 1. artifact-to-applied, D2 staging apps (frontend, backend), OCIRepository interval "
                + interval.toMillis() + " ms");
        String shard = "d2";
        ApiRequestCounter counter = new ApiRequestCounter();
        ReconcileTimer timer = new ReconcileTimer(counter);
        List<String> components = List.of("frontend", "backend");
        Map<String, String> namespaces = new LinkedHashMap<>();
        Map<String, Map<String, String>> files = new LinkedHashMap<>();
        for (String c : components) {
            String ns = tenant("d2-" + c);
            namespaces.put(c, ns);
            files.put(c, d2Component("d2-apps/components/" + c));
            // D2's cluster runtime info, read by the staging overlays' substituteFrom.
            admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("flux-runtime-info").endMetadata()
                    .withData(Map.of("CLUSTER_DOMAIN", "staging.example.com", "ENVIRONMENT", "staging")).build())
                    .create();
        }
        try (EngineOnCluster engine = new EngineOnCluster(counter.client(plane.adminKubeconfig()), artifacts, policy,
                Duration.ofSeconds(10), EngineOnCluster.Options.service(timer::wrap, shard));
                AppliedWatch watch = new AppliedWatch(admin)) {
            Map<String, String> revisions = new LinkedHashMap<>();
            for (String c : components) {
                String ns = namespaces.get(c);
                Digest d = publishSigned(repo(c), "latest", files.get(c));
                revisions.put(c, "latest@" + d);
                create(ociRepository(ns, "apps", repo(c), interval, shard));
                create(kustomization(ns, "apps", "./staging", shard, """
                          wait: false
                          interval: 10m
                          postBuild:
                            substituteFrom:
                              - kind: ConfigMap
                                name: flux-runtime-info
                        """, ns));
            }
            for (String c : components) {
                watch.await(namespaces.get(c), "apps", revisions.get(c), Duration.ofSeconds(120));
            }
            System.out.println("both Ready: " + revisions.values());
            Stats latency = new Stats(pushes * components.size());
            long max = 0;
            for (int p = 1; p <= pushes; p++) {
                // A release as D2's CI makes it: the artifact pushed and signed under its own tag first, then the
                // environment's tag moved to it, which is the instant measured from. The new revision changes
                // every object (a commonAnnotations line), so the apply writes.
                Map<String, Instant> pushed = new LinkedHashMap<>();
                Map<String, String> wanted = new LinkedHashMap<>();
                for (String c : components) {
                    Map<String, String> next = new LinkedHashMap<>(files.get(c));
                    String k = next.get("staging/kustomization.yaml");
                    next.put("staging/kustomization.yaml", (k.endsWith("\n") ? k : k + "\n")
                            + "commonAnnotations:\n  fleetwarden.io/bench-release: \"" + p + "\"\n");
                    Digest d = publishSigned(repo(c), "build-" + p, next);
                    wanted.put(c, "latest@" + d);
                }
                for (String c : components) {
                    Digest d = Digest.parse(wanted.get(c).substring("latest@".length()));
                    pushed.put(c, Instant.now());
                    long t0 = System.nanoTime();
                    artifacts.publisher().tag(repo(c), d, "latest");
                    watch.expect(namespaces.get(c), "apps", wanted.get(c), t0);
                }
                for (String c : components) {
                    long nanos = watch.await(namespaces.get(c), "apps", wanted.get(c), Duration.ofSeconds(60));
                    latency.add(nanos);
                    max = Math.max(max, nanos);
                    System.out.printf("push %d %-8s tag moved -> lastAppliedRevision %s: %7.0f ms%n", p, c,
                            wanted.get(c).substring(0, 19) + "...", nanos / 1e6);
                }
                // The next push lands at a random point of the poll cycle, as a real push does.
                Thread.sleep(ThreadLocalRandom.current().nextLong(200, 200 + interval.toMillis()));
            }
            System.out.println(latency.row("tag push -> lastAppliedRevision (" + components.size() + " apps)")
                    + String.format("   max %.0f ms", max / 1e6));
            System.out.printf("baseline (issue target): <= 2000 ms; Flux publishes no such figure. The OCIRepository "
                    + "interval (%d ms) bounds it: a push is noticed at the next poll.%n", interval.toMillis());
            timer.drain();
        }
    }

    // ---- 2. no-op reconcile ---------------------------------------------------------------------------------

    private void noOpReconcile(int samples) throws Exception {
        System.out.println("== 2. no-op reconcile of a 50-object Kustomization (wait: true, prune: true, as the"
                + " tenant), unchanged revision");
        String shard = "noop";
        ApiRequestCounter counter = new ApiRequestCounter();
        ReconcileTimer timer = new ReconcileTimer(counter);
        String ns = tenant("noop");
        Map<String, String> files = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String file = "o" + i + ".yaml";
            names.add(file);
            files.put(file, fiftyObjects(i));
        }
        files.put("kustomization.yaml", "resources: [" + String.join(", ", names) + "]\n");
        Digest d = publishSigned(repo("noop"), "latest", files);
        String revision = "latest@" + d;
        try (EngineOnCluster engine = new EngineOnCluster(counter.client(plane.adminKubeconfig()), artifacts, policy,
                Duration.ofSeconds(10), EngineOnCluster.Options.service(timer::wrap, shard));
                AppliedWatch watch = new AppliedWatch(admin)) {
            // The source polls once an hour: only the Kustomization's own interval (2 s) reconciles it.
            create(ociRepository(ns, "app", repo("noop"), Duration.ofHours(1), shard));
            create(kustomization(ns, "app", "./", shard, """
                      wait: true
                      interval: 2s
                      retryInterval: 2s
                      timeout: 1m
                    """, ns));
            watch.await(ns, "app", revision, Duration.ofSeconds(120));
            timer.drain();

            // The same 50 objects as the engine applies them (targetNamespace, Flux's owner labels), for the
            // baselines, with a client counting its own requests.
            List<GenericKubernetesResource> desired = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                GenericKubernetesResource r = Serialization.unmarshal(fiftyObjects(i), GenericKubernetesResource.class);
                r.getMetadata().setNamespace(ns);
                r.getMetadata().getLabels().putAll(Map.of(FluxKinds.OWNER_NAME_LABEL, "app",
                        FluxKinds.OWNER_NAMESPACE_LABEL, ns));
                desired.add(r);
            }
            ApiRequestCounter baseCounter = new ApiRequestCounter();
            try (KubernetesClient baseService = baseCounter.client(plane.adminKubeconfig())) {
                KubernetesClient asTenant = TenantClients.as(baseService, Impersonation.serviceAccount(ns, "flux"));
                // Warm-up of both baselines; the naive one's first pass also adds its field manager to each object
                // (a write once), after which the values are what the engine set and nothing changes.
                naivePass(asTenant, desired);
                fluxPass(asTenant, desired);

                Stats engineWall = new Stats(samples);
                Stats naiveWall = new Stats(samples);
                Stats fluxWall = new Stats(samples);
                long engineRequests = 0;
                long engineCpu = 0;
                // Only reconciles that begin from here on: the one that made it Ready (the end of its first health
                // wait, which reads only the objects not healthy yet) may still have been recording its sample.
                long measuredFrom = System.nanoTime();
                Map<String, Long> engineMethods = counter.byMethod(ns);
                Map<String, Long> naiveBefore = baseCounter.byMethod(ns);
                long naiveRequests = 0;
                long fluxRequests = 0;
                int taken = 0;
                while (taken < samples) {
                    ReconcileTimer.Sample s = timer.next(30);
                    if (s == null) {
                        throw new IllegalStateException("no reconcile of " + ns + "/app within 30 s");
                    }
                    if (s.startNanos() < measuredFrom) {
                        continue;
                    }
                    if (!"Done".equals(s.outcome())) {
                        System.out.println("(skipped a reconcile that ended " + s.outcome() + ")");
                        continue;
                    }
                    taken++;
                    engineWall.add(s.wallNanos());
                    engineRequests += s.requests();
                    engineCpu += s.cpuNanos();
                    // The baselines run in the engine's idle time between two of its reconciles (interval 2 s),
                    // so the three see the same machine load, round by round.
                    long before = baseCounter.total(ns);
                    long t = System.nanoTime();
                    naivePass(asTenant, desired);
                    naiveWall.add(System.nanoTime() - t);
                    naiveRequests += baseCounter.total(ns) - before;
                    before = baseCounter.total(ns);
                    t = System.nanoTime();
                    fluxPass(asTenant, desired);
                    fluxWall.add(System.nanoTime() - t);
                    fluxRequests += baseCounter.total(ns) - before;
                }
                Map<String, Long> engineByMethod = ApiRequestCounter.delta(engineMethods, counter.byMethod(ns));
                Map<String, Long> baseByMethod = ApiRequestCounter.delta(naiveBefore, baseCounter.byMethod(ns));
                System.out.println(engineWall.row("fleetwarden no-op reconcile, wall"));
                System.out.printf("%-58s %.1f requests per reconcile (%.2f per object); all %d reconciles: %s;"
                        + " reconcile thread CPU %.2f ms each%n", "fleetwarden no-op reconcile, API requests",
                        (double) engineRequests / samples, engineRequests / (50.0 * samples), samples, engineByMethod,
                        engineCpu / 1e6 / samples);
                System.out.println(naiveWall.row("naive: server-side apply of all 50, wall"));
                System.out.printf("%-58s %.1f requests per pass%n", "naive: server-side apply of all 50, API requests",
                        (double) naiveRequests / samples);
                System.out.println(fluxWall.row("Flux-style: GET + dry-run SSA per object, wall"));
                System.out.printf("%-58s %.1f requests per pass (Flux sends 4 at a time; here sequential)%n",
                        "Flux-style: GET + dry-run SSA per object, API requests", (double) fluxRequests / samples);
                System.out.println("baselines, all passes by method: " + baseByMethod);
                System.out.println("target: at most one request per object (50); Flux (anchors doc): GET + dry-run"
                        + " PATCH per object = 100");
            }
            GenericKubernetesResource ks = admin.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(ns)
                    .withName("app").get();
            System.out.println("Kustomization still at " + JSON.valueToTree(ks).at("/status/lastAppliedRevision")
                    .asText().substring(0, 19) + "..., Ready " + condition(JSON.valueToTree(ks), "Ready"));
        }
    }

    private static void naivePass(KubernetesClient client, List<GenericKubernetesResource> desired) {
        for (GenericKubernetesResource r : desired) {
            client.resource(r).fieldManager("naive-apply").forceConflicts().serverSideApply();
        }
    }

    /** kustomize-controller's no-change pass per object (fluxcd/pkg ssa): a GET, then a server-side dry-run apply. */
    private static void fluxPass(KubernetesClient client, List<GenericKubernetesResource> desired) {
        for (GenericKubernetesResource r : desired) {
            client.resource(r).get();
            client.resource(r).dryRun().fieldManager(FluxKinds.FIELD_MANAGER).forceConflicts().serverSideApply();
        }
    }

    /** 50 objects of a small app: 20 ConfigMaps, 10 ServiceAccounts, 10 headless Services, 10 Deployments. */
    private static String fiftyObjects(int i) {
        if (i < 20) {
            return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-" + i
                    + "\n  labels: {app: noop}\ndata:\n  key: value-" + i + "\n  other: \"" + i + "\"\n";
        } else if (i < 30) {
            return "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: account-" + i + "\n  labels: {app: noop}\n";
        } else if (i < 40) {
            return service("web-" + i, "noop");
        }
        return deployment("web-" + (i - 10), "noop");
    }

    // ---- 3. scale -------------------------------------------------------------------------------------------

    private void scale(int n) throws Exception {
        System.out.printf("== 3. %d Kustomizations x 4 objects (ServiceAccount, headless Service, Deployment with 0"
                + " replicas, Ingress), each with its own signed OCIRepository; one engine%n", n);
        String shard = "scale-" + n;
        String ns = tenant("scale" + n);
        String repoPrefix = "scale" + n + "-";
        long t = System.nanoTime();
        publishApps(repoPrefix, n);
        System.out.printf("setup, not measured: %d signed artifacts published in %.1f s (4 publishers)%n", n,
                (System.nanoTime() - t) / 1e9);

        ApiRequestCounter counter = new ApiRequestCounter();
        ReconcileTimer timer = new ReconcileTimer(counter);
        long heapBefore = liveHeap();
        Map<String, Long> componentCpu = componentCpu();
        MachineCpu machineBefore = MachineCpu.now();
        long cpuBefore = OS.getProcessCpuTime();
        Map<Long, Long> threadsBefore = threadCpuNanos();
        // Readiness from a watch, not by listing N Kustomizations every half second: the harness shares this JVM
        // (and its CPU figure) with the engine and should cost it as little as possible.
        AppliedWatch watch = new AppliedWatch(admin);
        long t0 = System.nanoTime();
        EngineOnCluster engine = new EngineOnCluster(counter.client(plane.adminKubeconfig()), artifacts, policy,
                Duration.ofSeconds(10), EngineOnCluster.Options.service(timer::wrap, shard));
        try {
            // Created as `kubectl apply` of the benchmark's manifests would: the clock runs from the first.
            parallel(n, i -> {
                create(ociRepository(ns, "app-" + i, repo(repoPrefix + i), Duration.ofMinutes(10), shard));
                create(kustomization(ns, "app-" + i, "./", shard, """
                          interval: 10m
                          retryInterval: 1m
                          timeout: 1m
                          wait: true
                          postBuild:
                            substitute:
                              APP: app-%d
                        """.formatted(i), ns));
            });
            double created = (System.nanoTime() - t0) / 1e9;
            int ready = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(Math.max(300, n)).toNanos();
            long lastPrint = System.nanoTime();
            while (ready < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(ready + " of " + n + " Ready when the bench gave up");
                }
                Thread.sleep(20);
                ready = watch.ready(ns);
                if (System.nanoTime() - lastPrint > 10_000_000_000L) {
                    System.out.printf("  %5.1f s: %d/%d Ready, reconciles so far %d Kustomization, %d OCIRepository%n",
                            (System.nanoTime() - t0) / 1e9, ready, n, engine.engine().reconciles("Kustomization"),
                            engine.engine().reconciles("OCIRepository"));
                    if (ready < n) {
                        System.out.println("    e.g. " + readyMessage(ns, FluxKinds.OCI_REPOSITORY, "app-0") + " / "
                                + readyMessage(ns, FluxKinds.KUSTOMIZATION, "app-0"));
                    }
                    lastPrint = System.nanoTime();
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = (OS.getProcessCpuTime() - cpuBefore) / 1e9;
            Map<String, Double> threadGroups = threadCpuSince(threadsBefore);
            Engine e = engine.engine();
            long ks = e.reconciles("Kustomization");
            long src = e.reconciles("OCIRepository");
            List<ReconcileTimer.Sample> samples = timer.drain();
            Stats wall = new Stats(samples.size());
            long threadCpu = 0;
            Map<String, Integer> outcomes = new java.util.TreeMap<>();
            for (ReconcileTimer.Sample s : samples) {
                wall.add(s.wallNanos());
                threadCpu += s.cpuNanos();
                outcomes.merge(s.outcome(), 1, Integer::sum);
            }
            Map<String, Long> componentAfter = componentCpu();
            double stolen = MachineCpu.now().stolenSecondsSince(machineBefore);
            long heapLive = liveHeap();
            Stats readyAt = watch.readyTimes(ns, t0);
            Map<String, Long> requests = counter.byMethod(null);
            System.out.printf("all %d Ready in %.1f s after the first object was created (creating all %d objects took"
                    + " %.1f s)%n", n, seconds, 2 * n, created);
            System.out.printf("reconciles: %d Kustomization (%s), %d OCIRepository; API requests by the engine: %s%n",
                    ks, outcomes, src, requests);
            System.out.printf("API requests by the engine per app (%d apps): %.1f; by method and resource: %s%n", n,
                    requests.values().stream().mapToLong(Long::longValue).sum() / (double) n, counter.byResource());
            System.out.println(readyAt.row("time from the first create to each one Ready"));
            System.out.println(wall.row("Kustomization reconcile, wall (worker thread)"));
            System.out.printf("CPU: this JVM %.1f s over the run = %.1f ms per reconcile (both kinds, %d); the Kustomization"
                    + " reconciles' own threads %.2f ms each%n", cpu, cpu * 1000 / (ks + src), ks + src,
                    threadCpu / 1e6 / Math.max(1, samples.size()));
            System.out.printf("CPU by thread group over the run (s): %s; per reconcile: OCIRepository workers %.1f ms,"
                    + " Kustomization workers %.1f ms%n", threadGroups,
                    threadGroups.getOrDefault("reconcile-ocirepository", 0.0) * 1000 / Math.max(1, src),
                    threadGroups.getOrDefault("reconcile-kustomization", 0.0) * 1000 / Math.max(1, ks));
            System.out.printf("heap: live after full GC %d MiB with the engine holding %d Ready Kustomizations (%d MiB"
                    + " before the engine started: harness, registry and Sigstore clients) -> the engine's share %d MiB;"
                    + " target <= 128 MiB live%n", heapLive >> 20, n, heapBefore >> 20, (heapLive - heapBefore) >> 20);
            StringBuilder others = new StringBuilder();
            componentAfter.forEach((name, ms) -> others.append(String.format(" %s %.1f s", name,
                    (ms - componentCpu.getOrDefault(name, 0L)) / 1000.0)));
            System.out.println("CPU of the other processes on the 2 cores over the run:" + others);
            System.out.printf("CPU time the host stole from this VM over the run (/proc/stat steal, both vCPUs): %.1f s"
                    + " of %.1f s%n", stolen, 2 * seconds);
            String flux = n == 100 ? "26 s" : n == 500 ? "2 min 5 s" : n == 1000 ? "4 min 14 s" : "not published";
            System.out.printf("%-58s %s%n", "fleetwarden, " + n + " x 4 objects to Ready (2 cores, shared)",
                    String.format("%.1f s", seconds));
            System.out.printf("%-58s %s%n", "Flux 2.8.0 published, " + n + " (16 cores, kustomize-controller 2 CPU)",
                    flux + (n == 1000 ? "; issue target < 60 s" : ""));
        } finally {
            engine.close();
            watch.close();
        }
    }

    /** CPU nanoseconds so far of this JVM's live threads, by thread id. */
    private static Map<Long, Long> threadCpuNanos() {
        var threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> out = new java.util.HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long nanos = threads.getThreadCpuTime(id);
            if (nanos > 0) {
                out.put(id, nanos);
            }
        }
        return out;
    }

    /**
     * CPU seconds since {@code before} of this JVM's live threads, by name with its numbers left out (the engine's
     * worker pools, the HTTP client's event loop that engine and harness share, ...); groups under half a second
     * left out. Threads that ended meanwhile are not counted (the process CPU line counts everything).
     */
    private static Map<String, Double> threadCpuSince(Map<Long, Long> before) {
        var threads = ManagementFactory.getThreadMXBean();
        Map<String, Double> out = new java.util.TreeMap<>();
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId()) - before.getOrDefault(info.getThreadId(), 0L);
            if (nanos > 0) {
                String group = info.getThreadName().replaceAll("-?\\d+", "").replaceAll("-+$", "");
                out.merge(group.isEmpty() ? info.getThreadName() : group, nanos / 1e9, Double::sum);
            }
        }
        out.replaceAll((k, v) -> Math.round(v * 10) / 10.0);
        out.values().removeIf(v -> v < 0.5);
        return out;
    }

    /** The Ready condition of one object, for the progress lines while not all are Ready. */
    private String readyMessage(String ns, io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext kind,
            String name) {
        GenericKubernetesResource r = admin.genericKubernetesResources(kind).inNamespace(ns).withName(name).get();
        if (r == null) {
            return kind.getKind() + " " + name + " absent";
        }
        for (JsonNode c : JSON.valueToTree(r).at("/status/conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                return kind.getKind() + " " + name + " Ready=" + c.path("status").asText() + " "
                        + c.path("reason").asText() + ": " + c.path("message").asText();
            }
        }
        return kind.getKind() + " " + name + " has no Ready condition";
    }

    /** CPU milliseconds so far of the control plane's components and the registry, by name. */
    private Map<String, Long> componentCpu() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (var p : plane.processes()) {
            out.put(p.name(), cpuMillis(p.pid()));
        }
        out.put("registry", ProcessHandle.current().children().filter(h -> h.info().command().orElse("")
                .contains("registry")).mapToLong(h -> cpuMillis(h.pid())).sum());
        return out;
    }

    private static long cpuMillis(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toMillis).orElse(0L);
    }

    // Block style and quoted values throughout: the scale apps' names are ${APP}, which must stay valid YAML
    // until postBuild substitutes it (a '{' inside a flow mapping is not).
    private static String service(String name, String app) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: "%1$s"
                  labels:
                    app: "%2$s"
                spec:
                  clusterIP: None
                  selector:
                    app: "%1$s"
                  ports:
                    - name: http
                      port: 80
                      targetPort: 8080
                """.formatted(name, app);
    }

    private static String deployment(String name, String app) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: "%1$s"
                  labels:
                    app: "%2$s"
                spec:
                  replicas: 0
                  selector:
                    matchLabels:
                      app: "%1$s"
                  template:
                    metadata:
                      labels:
                        app: "%1$s"
                    spec:
                      serviceAccountName: "%1$s"
                      containers:
                        - name: app
                          image: ghcr.io/stefanprodan/podinfo:6.9.0
                          ports:
                            - containerPort: 8080
                          resources:
                            requests:
                              cpu: 10m
                              memory: 32Mi
                            limits:
                              memory: 64Mi
                """.formatted(name, app);
    }

    /**
     * One app of Flux's benchmark shape, named by {@code postBuild.substitute} ({@code ${APP}}). A headless
     * Service: the control plane's service CIDR is a /24 (254 cluster IPs), too few for 1,000 apps; a headless
     * Service is the same object kind, applied and health-checked the same way.
     */
    private void publishApps(String repoPrefix, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int first = w;
                done.add(pool.submit(() -> {
                    try (SignedArtifacts publisher = new SignedArtifacts(registry, sigstore)) {
                        for (int i = first; i < n; i += 4) {
                            Map<String, byte[]> files = new LinkedHashMap<>();
                            files.put("kustomization.yaml", ("resources: [sa.yaml, svc.yaml, deploy.yaml, ingress.yaml]\n"
                                    // Distinct artifacts, as separate apps have: each is pulled and extracted.
                                    + "commonLabels: {bench.fleetwarden.io/app: \"" + i + "\"}\n")
                                    .getBytes(StandardCharsets.UTF_8));
                            files.put("sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: \"${APP}\"\n"
                                    .getBytes(StandardCharsets.UTF_8));
                            files.put("svc.yaml", service("${APP}", "${APP}").getBytes(StandardCharsets.UTF_8));
                            files.put("deploy.yaml", deployment("${APP}", "${APP}").getBytes(StandardCharsets.UTF_8));
                            files.put("ingress.yaml", """
                                    apiVersion: networking.k8s.io/v1
                                    kind: Ingress
                                    metadata:
                                      name: "${APP}"
                                    spec:
                                      rules:
                                        - host: "${APP}.example.com"
                                          http:
                                            paths:
                                              - path: /
                                                pathType: Prefix
                                                backend:
                                                  service:
                                                    name: "${APP}"
                                                    port:
                                                      number: 80
                                    """.getBytes(StandardCharsets.UTF_8));
                            Digest d = publisher.publisher().pushArtifact(repo(repoPrefix + i), "latest", files);
                            byte[] bundle;
                            synchronized (sigstore) {
                                // One log, one Merkle tree: the local Sigstore signs one at a time.
                                bundle = sigstore.signBundleDsse(d.toString(), SigningRequest.github());
                            }
                            publisher.publisher().pushBundleReferrer(repo(repoPrefix + i), d, bundle);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private interface Task {
        void run(int i) throws Exception;
    }

    private static void parallel(int n, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                done.add(pool.submit(() -> {
                    task.run(index);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Heap in use after full collections: what is live. */
    private static long liveHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    private static String repo(String name) {
        return BASE + "/" + name;
    }

    private Digest publishSigned(String repo, String tag, Map<String, String> files) {
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        files.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
        Digest d = artifacts.publisher().pushArtifact(repo, tag, bytes);
        synchronized (sigstore) {
            artifacts.signBundle(repo, d, SigningRequest.github());
        }
        return d;
    }

    /** A tenant namespace as D2 makes them: labelled, with a service account flux that may manage its namespace. */
    private String tenant(String prefix) {
        String ns = prefix + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        admin.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                .withName(ns).withLabels(Map.of("toolkit.fluxcd.io/role", "tenant")).endMetadata().build()).create();
        admin.serviceAccounts().inNamespace(ns).resource(new ServiceAccountBuilder().withNewMetadata().withName("flux")
                .endMetadata().build()).create();
        admin.rbac().roles().inNamespace(ns).resource(new RoleBuilder().withNewMetadata().withName("tenant-admin")
                .endMetadata().addNewRule().withApiGroups("*").withResources("*").withVerbs("*").endRule().build()).create();
        admin.rbac().roleBindings().inNamespace(ns).resource(new RoleBindingBuilder().withNewMetadata()
                .withName("flux").endMetadata().withNewRoleRef().withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role").withName("tenant-admin").endRoleRef().addNewSubject().withKind("ServiceAccount")
                .withName("flux").withNamespace(ns).endSubject().build()).create();
        return ns;
    }

    private GenericKubernetesResource ociRepository(String ns, String name, String repo, Duration interval,
            String shard) {
        return resource("""
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: OCIRepository
                metadata:
                  name: %s
                  namespace: %s
                  labels: {%s: %s}
                spec:
                  interval: %ds
                  url: oci://%s/%s
                  ref: {tag: latest}
                  verify:
                    provider: cosign
                    matchOIDCIdentity:
                      - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                        subject: ^https://github\\.com/acme/fleet/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
                """.formatted(name, ns, Engine.SHARD_LABEL, shard, Math.max(1, interval.toSeconds()), registry.host(),
                repo));
    }

    /** @param extra spec fields, indented by two spaces */
    private static GenericKubernetesResource kustomization(String ns, String name, String path, String shard,
            String extra, String target) {
        return resource("""
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata:
                  name: %s
                  namespace: %s
                  labels: {%s: %s}
                spec:
                  serviceAccountName: flux
                  targetNamespace: %s
                  sourceRef: {kind: OCIRepository, name: %s}
                  path: "%s"
                  prune: true
                %s""".formatted(name, ns, Engine.SHARD_LABEL, shard, target, name, path, extra));
    }

    private static GenericKubernetesResource resource(String yaml) {
        return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    }

    private void create(GenericKubernetesResource r) {
        admin.resource(r).create();
    }

    private static String condition(JsonNode object, String type) {
        for (JsonNode c : object.at("/status/conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c.path("status").asText();
            }
        }
        return "";
    }

    private static Map<String, String> d2Component(String dir) throws IOException {
        Path root = Components.repositoryRoot().resolveSibling("shared").resolve("fixtures/d2").resolve(dir);
        Map<String, String> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                files.put(root.relativize(p).toString().replace('\\', '/'), Files.readString(p));
            }
        }
        return files;
    }

    /**
     * When each Kustomization first showed a given {@code lastAppliedRevision}, from a watch (informer events
     * arrive within milliseconds of the status write; polling would add its own period to every figure).
     */
    private static final class AppliedWatch implements AutoCloseable {

        private final SharedIndexInformer<GenericKubernetesResource> informer;
        private final Map<String, Long> seen = new ConcurrentHashMap<>();
        private final Map<String, Long> started = new ConcurrentHashMap<>();
        private final Map<String, Long> readySince = new ConcurrentHashMap<>();

        AppliedWatch(KubernetesClient client) {
            informer = client.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inAnyNamespace().inform(
                    new ResourceEventHandler<>() {
                        @Override
                        public void onAdd(GenericKubernetesResource obj) {
                            record(obj);
                        }

                        @Override
                        public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource now) {
                            record(now);
                        }

                        @Override
                        public void onDelete(GenericKubernetesResource obj, boolean unknown) {
                        }
                    }, 0);
        }

        private void record(GenericKubernetesResource k) {
            long now = System.nanoTime();
            JsonNode status = JSON.valueToTree(k).path("status");
            String applied = status.path("lastAppliedRevision").asText("");
            String id = k.getMetadata().getNamespace() + "/" + k.getMetadata().getName();
            if (!applied.isEmpty()) {
                seen.putIfAbsent(id + "@" + applied, now);
                if ("True".equals(condition(JSON.valueToTree(k), "Ready"))) {
                    readySince.putIfAbsent(id, now);
                }
            }
        }

        /** How many Kustomizations of {@code ns} have been Ready with an applied revision. */
        int ready(String ns) {
            return (int) readySince.keySet().stream().filter(k -> k.startsWith(ns + "/")).count();
        }

        /** For each Kustomization of {@code ns}: from {@code t0} to its first Ready. */
        Stats readyTimes(String ns, long t0) {
            List<Long> times = readySince.entrySet().stream().filter(e -> e.getKey().startsWith(ns + "/"))
                    .map(e -> e.getValue() - t0).toList();
            Stats s = new Stats(times.size());
            times.forEach(s::add);
            return s;
        }

        /** The instant (nanoTime) the revision was pushed, for {@link #await}. */
        void expect(String ns, String name, String revision, long pushedNanos) {
            started.put(ns + "/" + name + "@" + revision, pushedNanos);
        }

        /** Nanoseconds from {@link #expect} to the revision applied (or 0 when none was expected). */
        long await(String ns, String name, String revision, Duration timeout) throws InterruptedException {
            String key = ns + "/" + name + "@" + revision;
            long end = System.nanoTime() + timeout.toNanos();
            while (!seen.containsKey(key)) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException(key + " not applied within " + timeout);
                }
                Thread.sleep(5);
            }
            Long from = started.get(key);
            return from == null ? 0 : seen.get(key) - from;
        }

        @Override
        public void close() {
            informer.close();
        }
    }
}
