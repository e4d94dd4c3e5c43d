package io.fleetwarden.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.testing.cluster.Components;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.DeployManifests;
import io.fleetwarden.testing.cluster.LocalCluster;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * fleetwarden in engine mode as a cluster runs it, on a {@link ControlPlane}: the packaged service
 * ({@code target/quarkus-app}, JVM) installed by {@link LocalCluster} (deploy/base's namespace, service account and
 * RBAC, a token of that service account, the webhooks registered), plus deploy/overlays/engine's ClusterRole and
 * binding, {@code fleetwarden.mode=engine}, the local Sigstore's trusted root as {@code local}, and the bench's
 * policies (an ArtifactPolicy in Enforce mode for the fleet's repositories and a TenancyPolicy). This is what
 * GateOnCluster.startEngine does, with the bench's own registry and Sigstore instead of the test JVM's shared ones.
 */
final class FleetwardenEngineService implements AutoCloseable {

    /** The service account deploy/base runs the service as: the audit log's user for its requests. */
    static final String USER = "system:serviceaccount:" + LocalCluster.NAMESPACE + ":" + LocalCluster.SERVICE_ACCOUNT;

    private final LocalCluster cluster;

    private FleetwardenEngineService(LocalCluster cluster) {
        this.cluster = cluster;
    }

    static FleetwardenEngineService start(ControlPlane plane, Path app, LocalSigstore sigstore, String policies) {
        try (KubernetesClient admin = plane.adminClient()) {
            for (HasMetadata o : DeployManifests.render(Components.locate(), "deploy/overlays/engine")) {
                if (o.getMetadata().getName().equals("fleetwarden-engine")) {
                    admin.resource(o).fieldManager("fleetwarden-bench").forceConflicts().serverSideApply();
                }
            }
            Path dir = Files.createDirectories(plane.dir().resolve("fleetwarden"));
            Path root = Files.write(dir.resolve("trusted_root.json"), sigstore.trustedRootJson());
            LocalCluster cluster = LocalCluster.install(plane, app, dir, Map.of("fleetwarden.mode", "engine",
                    "fleetwarden.gate.trusted-roots.local", root.toString()));
            FleetwardenEngineService service = new FleetwardenEngineService(cluster);
            try {
                for (HasMetadata policy : admin.load(new ByteArrayInputStream(policies.getBytes(StandardCharsets.UTF_8)))
                        .items()) {
                    admin.resource(policy).fieldManager("fleetwarden-bench").forceConflicts().serverSideApply();
                    awaitReady(admin, (GenericKubernetesResource) policy);
                }
            } catch (RuntimeException | InterruptedException e) {
                service.close();
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Until the leader reports the policy Ready for its generation (it has compiled it). */
    private static void awaitReady(KubernetesClient admin, GenericKubernetesResource policy) throws InterruptedException {
        Instant end = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(end)) {
            GenericKubernetesResource current = admin.resource(policy).get();
            Map<String, Object> status = current == null ? null : current.get("status");
            if (status != null && current.getMetadata().getGeneration().equals(
                    ((Number) status.getOrDefault("observedGeneration", -1)).longValue())
                    && String.valueOf(status.get("conditions")).contains("status=True")) {
                return;
            }
            Thread.sleep(100); // the policy's status is written by the service; a poll is the simplest wait here
        }
        throw new IllegalStateException("policy " + policy.getMetadata().getName() + " not Ready within 60 s");
    }

    /** The service's Prometheus text ({@code /q/metrics}), over its HTTPS port. */
    String metrics() {
        java.net.http.HttpResponse<String> r = cluster.webhookClient().get("/q/metrics");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/q/metrics answered " + r.statusCode());
        }
        return r.body();
    }

    long pid() {
        return cluster.service().pid();
    }

    Path log() {
        return cluster.service().log();
    }

    /**
     * The live heap: a full collection ({@code jcmd GC.run}, i.e. System.gc()), then the heap in use after it
     * ({@code GC.heap_info}). In bytes; -1 if jcmd could not attach.
     */
    long liveHeapBytes() {
        try {
            run("jcmd", String.valueOf(pid()), "GC.run");
            String info = run("jcmd", String.valueOf(pid()), "GC.heap_info");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(info);
            return m.find() ? Long.parseLong(m.group(2)) * 1024 : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    /** The service log's current size: where a window of {@link #admissionSummary} starts. */
    long logOffset() {
        try {
            return Files.size(log());
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * The admission reviews of CREATEs logged since {@code from}, by webhook path: count, mean and max latency, and
     * for the signature webhook the mean time spent on the registry. With the service in the path of every create,
     * this is what creating the fleet waited for.
     */
    String admissionSummary(long from) {
        java.util.regex.Pattern line = java.util.regex.Pattern.compile(
                "admission path=(\\S+) .*operation=CREATE .*latencyMs=([\\d.]+)(?: registryMs=([\\d.]+))?");
        Map<String, double[]> byPath = new java.util.TreeMap<>(); // count, sum, max, registry sum
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(log().toFile(), "r")) {
            f.seek(from);
            byte[] bytes = new byte[Math.toIntExact(f.length() - from)];
            f.readFully(bytes);
            for (String l : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                java.util.regex.Matcher m = line.matcher(l);
                if (m.find()) {
                    double[] a = byPath.computeIfAbsent(m.group(1), k -> new double[4]);
                    double ms = Double.parseDouble(m.group(2));
                    a[0]++;
                    a[1] += ms;
                    a[2] = Math.max(a[2], ms);
                    a[3] += m.group(3) == null ? 0 : Double.parseDouble(m.group(3));
                }
            }
        } catch (IOException e) {
            return "(service log unreadable: " + e.getMessage() + ")";
        }
        StringBuilder b = new StringBuilder();
        byPath.forEach((path, a) -> b.append(String.format("%s: %d CREATEs, mean %.0f ms, max %.0f ms%s, sum %.1f s;"
                + " ", path, (long) a[0], a[1] / a[0], a[2], a[3] > 0 ? String.format(" (registry mean %.0f ms)",
                        a[3] / a[0]) : "", a[1] / 1000)));
        return b.toString().trim();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @Override
    public void close() {
        cluster.close();
    }
}
