package io.fleetwarden.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.reconcile.Engine;
import io.fleetwarden.reconcile.FluxKinds;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.EngineOnCluster;
import io.fleetwarden.testing.cluster.FleetOnCluster;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Phase 2 of the ResourceSet benchmark: a ResourceSet of N input sets ({@link ResourceSetFixtures#cheapObjects})
 * reconciled by engine mode in this JVM, wired as the service wires it, on the control plane given; each size with
 * an engine and a tenant namespace of its own (a shard key of its own, so it never sees another size's ResourceSet).
 * Each step is timed from the change (create, annotate, edit) to the first watch event showing its result:
 *
 * <ol>
 * <li>created, until Ready with all 2N objects in its inventory;</li>
 * <li>re-reconciled with nothing changed, asked for by {@code reconcile.fluxcd.io/requestedAt}, until its status
 *     shows that request handled ({@code lastHandledReconcileAt}) and Ready;</li>
 * <li>its inputs cut to the first N/2, until Ready with N objects in its inventory: N objects garbage-collected.</li>
 * </ol>
 */
final class ResourceSetReconcileTiming {

    /** No step may take longer: the 1,000's create applies 2,000 objects one after the other. */
    private static final Duration STEP_LIMIT = Duration.ofMinutes(15);
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /**
     * One measured step.
     *
     * @param requests what the engine sent touching the namespace, by method (status writes and Events included)
     * @param jvmCpu seconds of CPU of this JVM (engine, watch, client threads) during the step
     * @param apiServerCpu seconds of CPU of kube-apiserver and etcd during the step
     */
    record Step(String what, long nanos, Map<String, Long> requests, long reconciles, double jvmCpu,
            double apiServerCpu, String ready) {

        long requestCount() {
            return requests.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final ControlPlane plane;
    private final SignedArtifacts artifacts;
    private final String policy;
    private final KubernetesClient admin;
    private final FleetOnCluster fleet;

    ResourceSetReconcileTiming(ControlPlane plane, SignedArtifacts artifacts, KubernetesClient admin) {
        this.plane = plane;
        this.artifacts = artifacts;
        this.admin = admin;
        this.fleet = new FleetOnCluster(admin, artifacts);
        // Tenants labelled as D2 labels them, acting as their service account flux.
        this.policy = FleetOnCluster.policies(artifacts.host(), "bench-resourceset");
    }

    List<Step> measure(int n, int noOpSamples) throws Exception {
        String ns = fleet.tenant("rset" + n);
        String shard = "rset-" + n;
        ApiRequestCounter counter = new ApiRequestCounter();
        List<Step> steps = new ArrayList<>();
        try (EngineOnCluster engine = new EngineOnCluster(counter.client(plane.adminKubeconfig()), artifacts, policy,
                Duration.ofSeconds(10), EngineOnCluster.Options.service(UnaryOperator.identity(), shard));
                ResourceSetWatch watch = new ResourceSetWatch(admin)) {
            StepTimer timer = new StepTimer(ns, counter, engine.engine(), watch);
            GenericKubernetesResource rs = Serialization.unmarshal(ResourceSetFixtures.cheapObjects(ns, shard, n),
                    GenericKubernetesResource.class);
            steps.add(timer.time("create: " + 2 * n + " objects applied, Ready", () -> admin.resource(rs).create(),
                    o -> ResourceSetWatch.ready(o) && ResourceSetWatch.inventorySize(o) == 2 * n));
            for (int i = 1; i <= noOpSamples; i++) {
                String token = "bench-" + i;
                steps.add(timer.time("no-change reconcile (requestedAt) #" + i, () -> resourceSet(ns).edit(r -> {
                    r.getMetadata().getAnnotations().put(FluxKinds.REQUESTED_AT, token);
                    return r;
                }), o -> token.equals(o.at("/status/lastHandledReconcileAt").asText()) && ResourceSetWatch.ready(o)));
            }
            steps.add(timer.time("inputs " + n + " -> " + n / 2 + ": " + n + " objects deleted, Ready",
                    () -> resourceSet(ns).edit(r -> {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> spec = (Map<String, Object>) r.getAdditionalProperties().get("spec");
                        spec.put("inputs", new ArrayList<>(((List<?>) spec.get("inputs")).subList(0, n / 2)));
                        return r;
                    }), o -> ResourceSetWatch.ready(o) && ResourceSetWatch.inventorySize(o) == n));
            checkObjectsLeft(ns, n / 2);
        }
        return steps;
    }

    private io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> resourceSet(String ns) {
        return admin.genericKubernetesResources(FluxKinds.RESOURCE_SET).inNamespace(ns).withName("apps");
    }

    /** The inventory is the engine's word; the API server's is checked once, outside the timings. */
    private void checkObjectsLeft(String ns, int inputs) {
        int configMaps = admin.configMaps().inNamespace(ns).withLabel("resourceset.fluxcd.controlplane.io/name", "apps")
                .list().getItems().size();
        int accounts = admin.serviceAccounts().inNamespace(ns).withLabel("resourceset.fluxcd.controlplane.io/name",
                "apps").list().getItems().size();
        if (configMaps != inputs || accounts != inputs) {
            throw new IllegalStateException("after the garbage collection " + ns + " holds " + configMaps
                    + " ConfigMaps and " + accounts + " ServiceAccounts of the ResourceSet, expected " + inputs);
        }
    }

    /** Times changes of one ResourceSet, with what the engine sent and how much CPU it took meanwhile. */
    private final class StepTimer {

        private final String ns;
        private final ApiRequestCounter counter;
        private final Engine engine;
        private final ResourceSetWatch watch;

        StepTimer(String ns, ApiRequestCounter counter, Engine engine, ResourceSetWatch watch) {
            this.ns = ns;
            this.counter = counter;
            this.engine = engine;
            this.watch = watch;
        }

        Step time(String what, Runnable change, Predicate<JsonNode> done) throws Exception {
            Map<String, Long> requestsBefore = counter.byMethod(ns);
            long reconcilesBefore = engine.reconciles("ResourceSet");
            long cpuBefore = OS.getProcessCpuTime();
            long apiServerBefore = apiServerCpuMillis();
            CompletableFuture<ResourceSetWatch.Seen> seen = watch.expect(ns, "apps", done);
            long t0 = System.nanoTime();
            change.run();
            ResourceSetWatch.Seen result = await(seen, t0, what, counter.total(ns));
            Step step = new Step(what, result.nanos() - t0, ApiRequestCounter.delta(requestsBefore, counter.byMethod(ns)),
                    engine.reconciles("ResourceSet") - reconcilesBefore, (OS.getProcessCpuTime() - cpuBefore) / 1e9,
                    (apiServerCpuMillis() - apiServerBefore) / 1e3, ResourceSetWatch.readyMessage(result.resourceSet()));
            System.out.printf("  %-58s %8.2f s  %s requests (%s), %d reconcile(s); \"%s\"%n", what, step.nanos() / 1e9,
                    step.requestCount(), step.requests(), step.reconciles(), step.ready());
            return step;
        }

        /** Waits for the watch, saying every 10 s how far the engine got (its requests since the change). */
        private ResourceSetWatch.Seen await(CompletableFuture<ResourceSetWatch.Seen> seen, long t0, String what,
                long requestsAtStart) throws Exception {
            while (true) {
                try {
                    return seen.get(10, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    double elapsed = (System.nanoTime() - t0) / 1e9;
                    if (elapsed > STEP_LIMIT.toSeconds()) {
                        throw new IllegalStateException(what + ": not done after " + STEP_LIMIT + "; "
                                + ResourceSetWatch.readyMessage(fleet.get(ns, FluxKinds.RESOURCE_SET, "apps")));
                    }
                    System.out.printf("    %5.0f s: %d requests so far%n", elapsed,
                            counter.total(ns) - requestsAtStart);
                }
            }
        }

        private long apiServerCpuMillis() {
            return plane.processes().stream().filter(p -> p.name().contains("apiserver") || p.name().contains("etcd"))
                    .mapToLong(p -> ProcessHandle.of(p.pid()).flatMap(h -> h.info().totalCpuDuration())
                            .map(Duration::toMillis).orElse(0L)).sum();
        }
    }
}
