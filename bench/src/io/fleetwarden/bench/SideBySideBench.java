package io.fleetwarden.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.reconcile.FluxKinds;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.cluster.Components;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.CustomResourceDefinitions;
import io.fleetwarden.testing.cluster.FleetOnCluster;
import io.fleetwarden.testing.cluster.GuardedProcess;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Issue 13, "Side by side with Flux": Flux's own source-controller and kustomize-controller (v1.9.4, Flux v2.9.4,
 * built from their Go modules) and fleetwarden's engine mode (the packaged service, JVM) on the same fleet, on this
 * machine, one after the other in the same run, each on a FRESH control plane (etcd, kube-apiserver with an audit
 * log, kube-controller-manager with the same flags for both). Run by {@code bench/side-by-side}.
 *
 * <p>For each size N, once: N signed artifacts in one local registry ({@link SideBySideFleet}); then for each
 * system in turn: start it, create N OCIRepositories + N Kustomizations (the clock runs from the first create),
 * and measure
 * <ol>
 * <li>time until all N Kustomizations are Ready; peak RSS (VmHWM) and CPU seconds of each of its processes; the
 *     live heap of ours (jcmd GC.run, GC.heap_info); the API requests it made (audit log, by user);</li>
 * <li>a no-change interval: every OCIRepository and Kustomization given {@code interval} (a spec change, so each
 *     reconciles once more at once), then, once all have settled, one interval's worth of requests and CPU with
 *     nothing changed;</li>
 * <li>a moved tag: a new signed release of app-0, {@code latest} moved to it: time until the source has it and
 *     until the Kustomization applied it;</li>
 * <li>a hand edit: app-0's Deployment scaled to 1 by the admin: time until it is back at 0 replicas.</li>
 * </ol>
 *
 * <p>Arguments, {@code key=value}: {@code sizes=100} (comma-separated), {@code objects=4} (or 50),
 * {@code systems=flux-published,fleetwarden} (also {@code flux-defaults}), {@code interval=60} (seconds, for the
 * no-change phase), {@code change-interval=30} (seconds: app-0's interval for the change phases), {@code kcm-qps=} (kube-controller-manager's client QPS; its default is 20),
 * {@code flux-bin=} (the folder bin/build-flux-controllers printed), {@code app=target/quarkus-app},
 * {@code warmup=0} (apps each system brings to Ready and deletes in another namespace before the clock starts).
 */
public final class SideBySideBench {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final String NS = "apps";
    private static final String WARM_NS = "warmup";

    /** One system's figures on one fleet. */
    record Result(String system, int apps, int objects, double createSeconds, double readySeconds,
            Map<String, ProcStat> peak, Map<String, Double> cpuToReady, long liveHeapBytes,
            Map<String, Long> requestsToReady, double noChangeSeconds, Map<String, Long> requestsNoChange,
            Map<String, Double> cpuNoChange, long objectsChecked, double tagToSource, double sourceToApplied, double tagToApplied,
            double editToCorrected, Map<String, Double> componentCpu, double loadAtStart, double loadAtEnd,
            double stolenToReady, double othersCpuToReady) {

        /**
         * The run's length if this system's own processes had cost no CPU and made the same requests: the machine
         * is busy from the first create to the last Ready, so a run lasts at least the other processes' CPU (the
         * control plane, the registry, the harness) divided by the cores.
         */
        double floorSeconds() {
            return othersCpuToReady / Runtime.getRuntime().availableProcessors();
        }

        long requests(Map<String, Long> m) {
            return m.getOrDefault("total", 0L);
        }

        double cpu(Map<String, Double> m) {
            return m.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private final Map<String, String> options;
    private final TestRegistry registry;
    private final LocalSigstore sigstore;
    private final List<String> kcmFlags;
    private final Duration interval;
    private final Duration changeInterval;
    private final String stamp;
    /** Apps each system reconciles (and then deletes) in another namespace before the clock starts; 0: none. */
    private SideBySideFleet warmUp;

    private SideBySideBench(Map<String, String> options, TestRegistry registry, LocalSigstore sigstore) {
        this.options = options;
        this.registry = registry;
        this.sigstore = sigstore;
        String qps = options.getOrDefault("kcm-qps", "");
        this.kcmFlags = qps.isEmpty() ? List.of() : List.of("--kube-api-qps=" + qps,
                "--kube-api-burst=" + (Integer.parseInt(qps) * 3 / 2));
        this.interval = Duration.ofSeconds(Long.parseLong(options.getOrDefault("interval", "60")));
        this.changeInterval = Duration.ofSeconds(Long.parseLong(options.getOrDefault("change-interval", "30")));
        this.stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
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

    private static void run(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("arguments are key=value, not '" + a + "'");
            }
            options.put(a.substring(0, eq), a.substring(eq + 1));
        }
        int[] sizes = Arrays.stream(options.getOrDefault("sizes", "100").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        int objects = Integer.parseInt(options.getOrDefault("objects", "4"));
        List<String> systems = List.of(options.getOrDefault("systems", "flux-published,fleetwarden").split(","));
        System.out.printf("side by side: sizes %s, %d objects per app, systems %s, interval %s s, kube-controller-manager"
                + " %s; %d cpus, load average %.2f at start; %s%n", Arrays.toString(sizes), objects, systems,
                options.getOrDefault("interval", "60"), options.containsKey("kcm-qps") ? "client QPS "
                + options.get("kcm-qps") : "defaults (client QPS 20, burst 30)",
                Runtime.getRuntime().availableProcessors(), OS.getSystemLoadAverage(), Instant.now());
        List<Result> results = new ArrayList<>();
        try (TestRegistry registry = TestRegistry.startQuiet()) {
            SideBySideBench bench = new SideBySideBench(options, registry, LocalSigstore.create());
            int warm = Integer.parseInt(options.getOrDefault("warmup", "0"));
            if (warm > 0) {
                bench.warmUp = new SideBySideFleet(registry, bench.sigstore, warm, objects, "warmup-o" + objects + "-app-");
                long t = System.nanoTime();
                bench.warmUp.publish();
                System.out.printf("setup, not measured: %d signed warm-up artifacts published in %.1f s%n", warm,
                        (System.nanoTime() - t) / 1e9);
            }
            for (int n : sizes) {
                SideBySideFleet fleet = new SideBySideFleet(registry, bench.sigstore, n, objects);
                long t = System.nanoTime();
                fleet.publish();
                System.out.printf("setup, not measured: %d signed artifacts of %d objects published in %.1f s%n", n,
                        objects, (System.nanoTime() - t) / 1e9);
                int release = 0;
                for (String system : systems) {
                    release += 10;
                    Result r = bench.runOne(system, fleet, release);
                    results.add(r);
                    print(r);
                }
            }
        }
        System.out.println();
        System.out.println(table(results));
    }

    private Result runOne(String system, SideBySideFleet fleet, int release) throws Exception {
        int n = fleet.apps();
        System.out.printf("== %s, %d apps x %d objects, fresh control plane; load average %.2f%n", system, n,
                fleet.objects(), OS.getSystemLoadAverage());
        double loadAtStart = OS.getSystemLoadAverage();
        Path dir = Components.repositoryRoot().resolve("target/control-plane/side-by-side-" + stamp + "-" + system
                + "-n" + n + "-o" + fleet.objects());
        Path auditDir = dir.resolve("audit");
        List<String> apiFlags = AuditLog.apiServerFlags(auditDir);
        try (ControlPlane plane = ControlPlane.start(Components.locate(), dir, kcmFlags, apiFlags);
                KubernetesClient admin = plane.adminClient()) {
            CustomResourceDefinitions.installAll(plane);
            installFluxCrds(plane);
            admin.resource(new NamespaceBuilder().withNewMetadata().withName("flux-system").endMetadata().build())
                    .createOr(NonDeletingOperation::update);
            SideBySideFleet.tenant(admin, NS);
            Map<String, Long> pids = new LinkedHashMap<>();
            AutoCloseable running;
            FleetwardenEngineService service = null;
            if (system.startsWith("flux")) {
                FluxControllers flux = FluxControllers.start(plane, Path.of(required("flux-bin")),
                        FluxControllers.Settings.named(system));
                pids.put("source-controller", flux.source().pid());
                pids.put("kustomize-controller", flux.kustomize().pid());
                running = flux;
            } else if (system.equals("fleetwarden")) {
                service = FleetwardenEngineService.start(plane, Path.of(options.getOrDefault("app",
                        Components.repositoryRoot().resolve("target/quarkus-app").toString())), sigstore,
                        FleetOnCluster.policies(registry.host(), SideBySideFleet.BASE));
                pids.put("fleetwarden", service.pid());
                running = service;
            } else {
                throw new IllegalArgumentException("unknown system '" + system + "': flux-published, flux-defaults"
                        + " or fleetwarden");
            }
            String user = system.startsWith("flux") ? FluxControllers.USER_PREFIX : FleetwardenEngineService.USER;
            try (AutoCloseable stop = running; SideBySideWatch watch = new SideBySideWatch(admin, NS)) {
                AuditLog audit = AuditLog.in(auditDir);
                return measure(system, fleet, plane, admin, watch, audit, user, pids, service, release, loadAtStart);
            }
        }
    }

    private Result measure(String system, SideBySideFleet fleet, ControlPlane plane, KubernetesClient admin,
            SideBySideWatch watch, AuditLog audit, String user, Map<String, Long> pids,
            FleetwardenEngineService service, int release, double loadAtStart) throws Exception {
        int n = fleet.apps();
        SideBySideFleet.Verify verify = verifyOf(system);
        if (verify == SideBySideFleet.Verify.IDENTITY_AND_TRUSTED_ROOT) {
            trustedRootSecret(admin, NS);
        }
        System.out.println("OCIRepository spec.verify: " + switch (verify) {
            case IDENTITY -> "the signer's identity (matchOIDCIdentity); the trusted root is the ArtifactPolicy's";
            case IDENTITY_AND_TRUSTED_ROOT -> "the signer's identity plus trustedRootSecretRef (the local Sigstore)";
            case NONE -> "none: Flux does NOT verify in this run";
        });
        if (warmUp != null) {
            warmUp(system, admin, verify);
        }
        // ---- 1. to Ready -----------------------------------------------------------------------------------
        Map<String, ProcStat> before = stats(pids);
        Map<String, ProcStat> componentsBefore = stats(components(plane));
        long auditStart = audit.offset();
        long serviceLogStart = service == null ? 0 : service.logOffset();
        MachineCpu machineBefore = MachineCpu.now();
        Map<String, ProcStat> othersBefore = stats(others());
        long harnessBefore = OS.getProcessCpuTime();
        WindowLatencies latenciesBefore = WindowLatencies.read(admin);
        WindowLatencies serviceBefore = service == null ? null : WindowLatencies.readService(service.metrics());
        long t0 = System.nanoTime();
        createApps(admin, fleet, NS, verify);
        double created = (System.nanoTime() - t0) / 1e9;
        String createLatencies = WindowLatencies.read(admin).since(latenciesBefore);
        String serviceLatencies = service == null ? ""
                : WindowLatencies.readService(service.metrics()).since(serviceBefore);
        long deadline = t0 + Duration.ofSeconds(Math.max(600, 3L * n)).toNanos();
        long lastPrint = System.nanoTime();
        while (watch.ready() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(system + ": " + watch.ready() + " of " + n + " Ready when the bench"
                        + " gave up; e.g. " + watch.readyMessage("app-" + (n - 1)));
            }
            Thread.sleep(20);
            if (System.nanoTime() - lastPrint > 10_000_000_000L) {
                lastPrint = System.nanoTime();
                System.out.printf("  %6.1f s: %d/%d Ready; load %.2f; RSS %s%n", (lastPrint - t0) / 1e9, watch.ready(),
                        n, OS.getSystemLoadAverage(), rss(stats(pids)));
            }
        }
        double ready = (System.nanoTime() - t0) / 1e9;
        Map<String, ProcStat> atReady = stats(pids);
        Map<String, ProcStat> componentsAtReady = stats(components(plane));
        MachineCpu machineAtReady = MachineCpu.now();
        double stolenToReady = machineAtReady.stolenSecondsSince(machineBefore);
        String machineToReady = machineAtReady.since(machineBefore);
        Map<String, Double> byProcess = new LinkedHashMap<>(cpu(before, atReady));
        byProcess.putAll(cpu(componentsBefore, componentsAtReady));
        byProcess.putAll(cpu(othersBefore, stats(others())));
        byProcess.put("this harness (JVM)", (OS.getProcessCpuTime() - harnessBefore) / 1e9);
        long auditReady = audit.offset();
        Map<String, Map<String, Long>> byUser = audit.byUser(auditStart, auditReady);
        Map<String, Long> requestsToReady = AuditLog.of(byUser, user);
        long heap = service == null ? -1 : service.liveHeapBytes();
        System.out.printf("all %d Ready in %.1f s (creating the %d objects took %.1f s); requests %s; CPU %s; peak RSS"
                + " %s%s%n", n, ready, 2 * n, created, requestsToReady, cpu(before, atReady), peaks(atReady),
                heap < 0 ? "" : String.format("; live heap %.1f MiB", heap / 1048576.0));
        System.out.println("  all clients' requests to Ready: " + totals(byUser));
        double othersCpu = byProcess.values().stream().mapToDouble(Double::doubleValue).sum()
                - cpu(before, atReady).values().stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf("  CPU-s to Ready by process: %s; the machine: %s; the other processes %.1f CPU-s, %.1f s of"
                + " the %d cores%n", byProcess, machineToReady, othersCpu,
                othersCpu / Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors());
        System.out.println("  the creates as the API server answered them (its /metrics, every client): " + createLatencies);
        if (service != null) {
            System.out.println("  admission while creating: " + service.admissionSummary(serviceLogStart));
            System.out.println("  the same window as the service's metrics saw it (every operation): " + serviceLatencies);
        }
        System.out.println("  by resource: " + AuditLog.of(audit.byUserAndResource(auditStart, auditReady), user));

        // ---- 2. a no-change interval -------------------------------------------------------------------------
        String patch = "{\"spec\":{\"interval\":\"" + interval.toSeconds() + "s\"}}";
        parallel(n, i -> {
            admin.genericKubernetesResources(FluxKinds.OCI_REPOSITORY).inNamespace(NS).withName(SideBySideFleet.name(i))
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            admin.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(NS).withName(SideBySideFleet.name(i))
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        });
        long settleDeadline = System.nanoTime() + Duration.ofSeconds(Math.max(300, 2L * n)).toNanos();
        while (watch.unsettled() > 0) {
            if (System.nanoTime() > settleDeadline) {
                List<String> left = watch.unsettledObjects();
                throw new IllegalStateException(system + ": " + left.size() + " objects did not settle after the"
                        + " interval change, e.g. " + left.subList(0, Math.min(3, left.size())));
            }
            Thread.sleep(200);
        }
        // A few seconds for the last reconciles' trailing writes (events, status) to land outside the window.
        Thread.sleep(3000);
        Map<String, ProcStat> quietBefore = stats(pids);
        long quietStart = audit.offset();
        long q0 = System.nanoTime();
        Thread.sleep(interval.toMillis()); // the window is one interval of wall time: nothing to wait on but the clock
        double quietSeconds = (System.nanoTime() - q0) / 1e9;
        Map<String, ProcStat> quietAfter = stats(pids);
        long quietEnd = audit.offset();
        Map<String, Long> requestsQuiet = AuditLog.of(audit.byUser(quietStart, quietEnd), user);
        Map<String, Long> quietByResource = AuditLog.of(audit.byUserAndResource(quietStart, quietEnd), user);
        System.out.println("  by resource: " + quietByResource);
        long checked = objectsChecked(quietByResource);
        System.out.printf("  applied objects checked in the window: %d of %d (%.2f requests per object checked)%n",
                checked, n * fleet.objects(), AuditLog.work(requestsQuiet) / (double) Math.max(1, checked));
        Map<String, Double> cpuQuiet = cpu(quietBefore, quietAfter);
        System.out.printf("no-change interval (%.0f s, after every object reconciled its new interval): requests %s ="
                + " %.2f per applied object without leader election; CPU %s%n", quietSeconds, requestsQuiet,
                AuditLog.work(requestsQuiet) / (double) (n * fleet.objects()), cpuQuiet);

        // ---- 3. a moved tag ----------------------------------------------------------------------------------
        // app-0 alone gets the (shorter) change interval, so that the change phases take seconds, not minutes.
        String changePatch = "{\"spec\":{\"interval\":\"" + changeInterval.toSeconds() + "s\"}}";
        admin.genericKubernetesResources(FluxKinds.OCI_REPOSITORY).inNamespace(NS).withName("app-0")
                .patch(PatchContext.of(PatchType.JSON_MERGE), changePatch);
        admin.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(NS).withName("app-0")
                .patch(PatchContext.of(PatchType.JSON_MERGE), changePatch);
        long changeDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (watch.unsettled() > 0 && System.nanoTime() < changeDeadline) {
            Thread.sleep(100);
        }
        Digest next = fleet.release(0, release);
        String revision = "latest@" + next;
        long tTag = System.nanoTime();
        fleet.moveLatest(0, next);
        Long applied = awaitNonNull(() -> watch.applied("app-0", revision), changeInterval.plusSeconds(60));
        Long sourced = watch.artifact("app-0", revision);
        double tagToApplied = applied == null ? Double.NaN : (applied - tTag) / 1e9;
        double tagToSource = sourced == null ? Double.NaN : (sourced - tTag) / 1e9;
        double sourceToApplied = applied == null || sourced == null ? Double.NaN : (applied - sourced) / 1e9;
        System.out.printf("moved tag: from the move to the source's new artifact %s; from there to the Kustomization's"
                + " apply %s; from the move to the apply %s%n", took(tagToSource), took(sourceToApplied),
                took(tagToApplied));

        // ---- 4. a hand edit ----------------------------------------------------------------------------------
        String deployment = fleet.objects() == 4 ? "app-0" : "app-0-web-0";
        double corrected = handEdit(admin, deployment);
        System.out.printf("hand edit: Deployment %s scaled to 1 by the admin, back at 0 after %s s (app-0's"
                + " interval %d s)%n", deployment, seconds(corrected), changeInterval.toSeconds());

        Map<String, ProcStat> end = stats(pids);
        Map<String, Double> componentCpu = cpu(componentsBefore, componentsAtReady);
        return new Result(system, n, fleet.objects(), created, ready, end, cpu(before, atReady), heap,
                requestsToReady, quietSeconds, requestsQuiet, cpuQuiet, checked, tagToSource, sourceToApplied, tagToApplied,
                corrected, componentCpu, loadAtStart, OS.getSystemLoadAverage(), stolenToReady, othersCpu);
    }

    /**
     * fleetwarden: the identity only (its ArtifactPolicy names the trusted root, and it refuses a tenant's
     * trustedRootSecretRef). Flux: the identity and the local Sigstore's root from a Secret, unless
     * {@code flux-verify=none}.
     */
    private SideBySideFleet.Verify verifyOf(String system) {
        if (!system.startsWith("flux")) {
            return SideBySideFleet.Verify.IDENTITY;
        }
        return switch (options.getOrDefault("flux-verify", "trusted-root")) {
            case "trusted-root" -> SideBySideFleet.Verify.IDENTITY_AND_TRUSTED_ROOT;
            case "none" -> SideBySideFleet.Verify.NONE;
            default -> throw new IllegalArgumentException("flux-verify: trusted-root or none");
        };
    }

    /** The fleet's own kinds, as the audit log names their resources. */
    private static final java.util.Set<String> APPLIED = java.util.Set.of("serviceaccounts", "services", "deployments",
            "ingresses", "configmaps");

    /**
     * How many applied objects a system looked at in a window: Flux checks each object of a reconciled Kustomization
     * with a server-side dry-run apply (and GETs it twice, once more for the health check), so its dry-runs count
     * them; fleetwarden reads each (a GET) and writes only what drifted, so, without dry-runs, its GETs of the
     * fleet's kinds count them.
     */
    private static long objectsChecked(Map<String, Long> byResource) {
        long dryRuns = 0;
        long gets = 0;
        for (Map.Entry<String, Long> e : byResource.entrySet()) {
            String[] vr = e.getKey().split(" ", 2);
            if (vr.length == 2 && APPLIED.contains(vr[1])) {
                if (vr[0].equals("patch(dry-run)")) {
                    dryRuns += e.getValue();
                } else if (vr[0].equals("get")) {
                    gets += e.getValue();
                }
            }
        }
        return dryRuns > 0 ? dryRuns : gets;
    }

    /** Scales the Deployment to 1 as someone with kubectl would; seconds until it is back at 0 replicas. */
    private double handEdit(KubernetesClient admin, String name) throws InterruptedException {
        java.util.concurrent.CountDownLatch back = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean edited = new java.util.concurrent.atomic.AtomicBoolean();
        long[] at = new long[1];
        SharedIndexInformer<Deployment> informer = admin.apps().deployments().inNamespace(NS).withName(name)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Deployment d) {
                    }

                    @Override
                    public void onUpdate(Deployment old, Deployment now) {
                        Integer replicas = now.getSpec().getReplicas();
                        if (edited.get() && replicas != null && replicas == 0) {
                            at[0] = System.nanoTime();
                            back.countDown();
                        }
                    }

                    @Override
                    public void onDelete(Deployment d, boolean unknown) {
                    }
                }, 0);
        try {
            long t = System.nanoTime();
            edited.set(true);
            admin.apps().deployments().inNamespace(NS).withName(name).edit(d -> {
                d.getSpec().setReplicas(1);
                return d;
            });
            if (!back.await(changeInterval.toSeconds() + 60, TimeUnit.SECONDS)) {
                return Double.NaN;
            }
            return (at[0] - t) / 1e9;
        } finally {
            informer.close();
        }
    }

    /** Flux's own CRDs of the two controllers (all kinds they watch), from the pinned distribution. */
    private static void installFluxCrds(ControlPlane plane) throws Exception {
        Path manifests = io.fleetwarden.testing.CachedBuild.output("bin/flux-distribution", 10);
        try (KubernetesClient client = plane.adminClient()) {
            List<String> names = new ArrayList<>();
            for (String file : List.of("source-controller.yaml", "kustomize-controller.yaml")) {
                try (InputStream in = Files.newInputStream(manifests.resolve(file))) {
                    for (HasMetadata o : client.load(in).items()) {
                        if (o instanceof CustomResourceDefinition crd) {
                            client.resource(crd).fieldManager("fleetwarden-bench").forceConflicts().serverSideApply();
                            names.add(crd.getMetadata().getName());
                        }
                    }
                }
            }
            for (String name : names) {
                client.apiextensions().v1().customResourceDefinitions().withName(name).waitUntilCondition(
                        c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null
                                && c.getStatus().getConditions().stream().anyMatch(x -> x.getType().equals("Established")
                                        && x.getStatus().equals("True")), 60, TimeUnit.SECONDS);
            }
        }
    }

    private String required(String key) {
        String v = options.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(key + "= is required (bench/side-by-side sets it)");
        }
        return v;
    }

    private static Map<String, Long> components(ControlPlane plane) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (GuardedProcess p : plane.processes()) {
            out.put(p.name(), p.pid());
        }
        return out;
    }

    /** The processes the harness runs beside the system under test: the registry. */
    private static Map<String, Long> others() {
        Map<String, Long> out = new LinkedHashMap<>();
        ProcessHandle.current().descendants().filter(p -> p.info().command().orElse("").endsWith("docker-registry"))
                .forEach(p -> out.put("registry", p.pid()));
        return out;
    }

    private static Map<String, ProcStat> stats(Map<String, Long> pids) {
        Map<String, ProcStat> out = new LinkedHashMap<>();
        pids.forEach((name, pid) -> out.put(name, ProcStat.of(pid)));
        return out;
    }

    private static Map<String, Double> cpu(Map<String, ProcStat> before, Map<String, ProcStat> after) {
        Map<String, Double> out = new LinkedHashMap<>();
        after.forEach((name, s) -> out.put(name, (s.cpuMillis() - before.get(name).cpuMillis()) / 1000.0));
        return out;
    }

    private static String rss(Map<String, ProcStat> s) {
        StringBuilder b = new StringBuilder();
        s.forEach((name, p) -> b.append(String.format("%s %.0f MiB ", name, p.rssKib() / 1024.0)));
        return b.toString().trim();
    }

    private static String peaks(Map<String, ProcStat> s) {
        StringBuilder b = new StringBuilder();
        s.forEach((name, p) -> b.append(String.format("%s %.0f MiB ", name, p.peakMib())));
        return b.toString().trim();
    }

    private static Map<String, Long> totals(Map<String, Map<String, Long>> byUser) {
        Map<String, Long> out = new LinkedHashMap<>();
        byUser.forEach((u, verbs) -> out.put(u, verbs.getOrDefault("total", 0L)));
        return out;
    }

    private interface Task {
        void run(int i) throws Exception;
    }

    /** Creates as `kubectl apply` of N apps' manifests would, 4 at a time. */
    /**
     * Brings the warm-up fleet to Ready in namespace {@value #WARM_NS} and deletes it again (its Kustomizations prune
     * what they applied), before anything is measured: the system has then run every code path the measured fleet
     * takes, as a service that has been running for a while has. The same steps for every system.
     */
    private void warmUp(String system, KubernetesClient admin, SideBySideFleet.Verify verify) throws Exception {
        int k = warmUp.apps();
        SideBySideFleet.tenant(admin, WARM_NS);
        if (verify == SideBySideFleet.Verify.IDENTITY_AND_TRUSTED_ROOT) {
            trustedRootSecret(admin, WARM_NS);
        }
        long t0 = System.nanoTime();
        try (SideBySideWatch watch = new SideBySideWatch(admin, WARM_NS)) {
            createApps(admin, warmUp, WARM_NS, verify);
            long deadline = t0 + Duration.ofSeconds(Math.max(600, 3L * k)).toNanos();
            while (watch.ready() < k) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(system + ": warm-up: " + watch.ready() + " of " + k + " Ready when"
                            + " the bench gave up; e.g. " + watch.readyMessage("app-" + (k - 1)));
                }
                Thread.sleep(20);
            }
        }
        double ready = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        admin.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(WARM_NS).delete();
        long deadline = t1 + Duration.ofSeconds(Math.max(300, k)).toNanos();
        // Pruning ends with the Kustomizations' finalizers; only then are the sources deleted, as an uninstall does.
        while (!admin.genericKubernetesResources(FluxKinds.KUSTOMIZATION).inNamespace(WARM_NS).list().getItems()
                .isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(system + ": warm-up: Kustomizations not deleted in time");
            }
            Thread.sleep(200);
        }
        admin.genericKubernetesResources(FluxKinds.OCI_REPOSITORY).inNamespace(WARM_NS).delete();
        while (!admin.genericKubernetesResources(FluxKinds.OCI_REPOSITORY).inNamespace(WARM_NS).list().getItems()
                .isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(system + ": warm-up: OCIRepositories not deleted in time");
            }
            Thread.sleep(200);
        }
        System.out.printf("warm-up, not measured: %d apps Ready in %.1f s in namespace %s, deleted (pruned) in %.1f s;"
                + " load average %.2f%n", k, ready, WARM_NS, (System.nanoTime() - t1) / 1e9, OS.getSystemLoadAverage());
    }

    /** The local Sigstore's trusted root in the Secret Flux's OCIRepositories name (trustedRootSecretRef). */
    private void trustedRootSecret(KubernetesClient admin, String ns) {
        admin.secrets().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata().withName(SideBySideFleet.TRUSTED_ROOT_SECRET).endMetadata()
                .addToData("trusted_root.json", java.util.Base64.getEncoder().encodeToString(
                        sigstore.trustedRootJson())).build()).create();
    }

    /** Each app's OCIRepository and Kustomization (interval 60m), from 4 threads as {@code kubectl apply} would. */
    private static void createApps(KubernetesClient admin, SideBySideFleet fleet, String ns,
            SideBySideFleet.Verify verify) throws Exception {
        parallel(fleet.apps(), i -> {
            admin.resource(fleet.ociRepository(ns, i, Duration.ofMinutes(60), verify)).create();
            admin.resource(SideBySideFleet.kustomization(ns, i, Duration.ofMinutes(60))).create();
        });
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

    private static Long awaitNonNull(java.util.function.Supplier<Long> value, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Long v = value.get();
            if (v != null) {
                return v;
            }
            Thread.sleep(5); // reads the watch's map: the instant was taken by the watch, this only collects it
        }
        return null;
    }

    private static void print(Result r) {
        System.out.printf("-- %s: %d x %d to Ready %.1f s; peak RSS %s; CPU to Ready %.1f s; requests to Ready %d;"
                + " no-change %.0f s: %d requests (%.2f per object without leases), %.2f s CPU; tag->applied %s s; edit->corrected"
                + " %s s; load %.2f -> %.2f%n", r.system(), r.apps(), r.objects(), r.readySeconds(), peaks(r.peak()),
                r.cpu(r.cpuToReady()), r.requests(r.requestsToReady()), r.noChangeSeconds(),
                r.requests(r.requestsNoChange()), AuditLog.work(r.requestsNoChange()) / (double) (r.apps() * r.objects()),
                r.cpu(r.cpuNoChange()), seconds(r.tagToApplied()), seconds(r.editToCorrected()), r.loadAtStart(), r.loadAtEnd());
    }

    /** A change phase's time for the table; NaN is what a wait that ended without seeing the change records. */
    private static String seconds(double s) {
        return Double.isNaN(s) ? "not within the wait (change interval + 60 s)" : String.format("%.2f", s);
    }

    /** The same for a sentence: "1.23 s", or that it did not happen within the wait. */
    private static String took(double s) {
        return Double.isNaN(s) ? "not within the wait (change interval + 60 s)" : seconds(s) + " s";
    }

    /** The figures as a Markdown table, one column per system, for docs/benchmarks.md. */
    static String table(List<Result> results) {
        StringBuilder b = new StringBuilder();
        Map<String, List<Result>> byFleet = new LinkedHashMap<>();
        for (Result r : results) {
            byFleet.computeIfAbsent(r.apps() + " apps x " + r.objects() + " objects", k -> new ArrayList<>()).add(r);
        }
        byFleet.forEach((fleet, rs) -> {
            b.append("\n").append(fleet).append("\n\n| |");
            rs.forEach(r -> b.append(' ').append(r.system()).append(" |"));
            b.append("\n|---|");
            rs.forEach(r -> b.append("---|"));
            b.append('\n');
            row(b, "time to all Ready (s)", rs, r -> String.format("%.1f", r.readySeconds()));
            row(b, "creating the 2N objects (s)", rs, r -> String.format("%.1f", r.createSeconds()));
            row(b, "from the last create to all Ready (s)", rs, r -> String.format("%.1f",
                    r.readySeconds() - r.createSeconds()));
            row(b, "peak RSS, all processes (MiB)", rs, r -> String.format("%.0f",
                    r.peak().values().stream().mapToDouble(ProcStat::peakMib).sum()));
            row(b, "peak RSS, each (MiB)", rs, r -> peaks(r.peak()));
            row(b, "live heap after full GC (MiB)", rs, r -> r.liveHeapBytes() < 0 ? "n/a (Go)"
                    : String.format("%.1f", r.liveHeapBytes() / 1048576.0));
            row(b, "CPU to Ready (s)", rs, r -> String.format("%.1f", r.cpu(r.cpuToReady())));
            row(b, "API requests to Ready", rs, r -> String.valueOf(r.requests(r.requestsToReady())));
            row(b, "  of which", rs, r -> verbs(r.requestsToReady()));
            row(b, "kube-apiserver + etcd + kcm CPU to Ready (s)", rs, r -> String.format("%.1f",
                    r.cpu(r.componentCpu())));
            row(b, "floor: the other processes' CPU to Ready ÷ cores (s)", rs, r -> String.format("%.1f",
                    r.floorSeconds()));
            row(b, "no-change interval: requests", rs, r -> String.format("%d: %s",
                    r.requests(r.requestsNoChange()), verbs(r.requestsNoChange())));
            row(b, "no-change interval: requests per applied object, without leader election", rs,
                    r -> String.format("%.2f", AuditLog.work(r.requestsNoChange()) / (double) (r.apps() * r.objects())));
            row(b, "no-change interval: applied objects checked", rs, r -> String.format("%d of %d", r.objectsChecked(),
                    r.apps() * r.objects()));
            row(b, "no-change interval: requests per object checked, without leader election", rs,
                    r -> String.format("%.2f", AuditLog.work(r.requestsNoChange()) / (double) Math.max(1,
                            r.objectsChecked())));
            row(b, "no-change interval: CPU (s)", rs, r -> String.format("%.2f", r.cpu(r.cpuNoChange())));
            row(b, "moved tag: to source / to applied (s)", rs, r -> seconds(r.tagToSource()) + " / "
                    + seconds(r.tagToApplied()));
            row(b, "moved tag: source -> applied (s)", rs, r -> seconds(r.sourceToApplied()));
            row(b, "hand edit corrected after (s)", rs, r -> seconds(r.editToCorrected()));
            row(b, "load average start -> end", rs, r -> String.format("%.2f -> %.2f", r.loadAtStart(),
                    r.loadAtEnd()));
            row(b, "CPU stolen by the host until all Ready (/proc/stat steal, both vCPUs)", rs,
                    r -> String.format("%.1f s of %.1f s", r.stolenToReady(), 2 * r.readySeconds()));
        });
        return b.toString();
    }

    private static String verbs(Map<String, Long> m) {
        StringBuilder s = new StringBuilder();
        m.forEach((verb, count) -> {
            if (!verb.equals("total")) {
                s.append(verb).append(' ').append(count).append(", ");
            }
        });
        return s.length() == 0 ? "" : s.substring(0, s.length() - 2);
    }

    private static void row(StringBuilder b, String name, List<Result> rs, java.util.function.Function<Result, String> f) {
        b.append("| ").append(name).append(" |");
        rs.forEach(r -> b.append(' ').append(f.apply(r)).append(" |"));
        b.append('\n');
    }
}
