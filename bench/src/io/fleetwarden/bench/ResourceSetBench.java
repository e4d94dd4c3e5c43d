package io.fleetwarden.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.cluster.Components;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.CustomResourceDefinitions;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The ResourceSet benchmark of issue 12, run by {@code bench/resourceset}; figures in docs/benchmarks.md,
 * "ResourceSet (issue 12)".
 *
 * <ol>
 * <li>Render ({@link ResourceSetRenderTiming}): D2's apps ResourceSet with N generated tenants, rendered by
 *     fleetwarden warm in this JVM and as a CLI process, and by the Flux Operator CLI, on the same file; the outputs
 *     compared byte for byte.</li>
 * <li>Reconcile ({@link ResourceSetReconcileTiming}): on a fresh control plane, engine mode in this JVM; a ResourceSet
 *     of N input sets created until Ready, re-reconciled unchanged, cut to N/2 until garbage-collected. Flux
 *     Operator's controller is not run here (only its CLI is built), so these figures have no counterpart.</li>
 * </ol>
 *
 * <p>Arguments: {@code [sizes, comma-separated (100,1000)] [CLI runs per size and tool (5)] [no-change reconciles
 * (3)] [phases: render,reconcile (both)]}.
 */
public final class ResourceSetBench {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

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
        int[] sizes = Arrays.stream((args.length > 0 ? args[0] : "100,1000").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        int cliRuns = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int noOps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<String> phases = List.of((args.length > 3 ? args[3] : "render,reconcile").split(","));
        Runtime rt = Runtime.getRuntime();
        System.out.printf("java %s (%s), %d cpus, -Xmx %d MiB; load average %.2f at start%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"), rt.availableProcessors(),
                rt.maxMemory() >> 20, OS.getSystemLoadAverage());
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path dir = Components.repositoryRoot().resolve("target/resourceset-bench-" + stamp);
        if (phases.contains("render")) {
            render(sizes, cliRuns, dir);
        }
        if (phases.contains("reconcile")) {
            reconcile(sizes, noOps, dir);
        }
    }

    private static void render(int[] sizes, int cliRuns, Path dir) throws Exception {
        System.out.println("== 1. render: D2's apps ResourceSet (d2-fleet/tenants/apps.yaml) with N generated tenants,"
                + " the same file for all three; files in " + dir);
        ResourceSetRenderTiming timing = new ResourceSetRenderTiming(dir);
        List<ResourceSetRenderTiming.Figures> all = new ArrayList<>();
        for (int n : sizes) {
            all.add(timing.measure(n, cliRuns));
            System.out.printf("  %d inputs rendered (load average %.2f)%n", n, OS.getSystemLoadAverage());
        }
        Table<ResourceSetRenderTiming.Figures> t = new Table<>("render", all, f -> f.inputs() + " inputs");
        t.row("objects / bytes printed", f -> f.objects() + " / " + f.outputBytes());
        t.row("fleetwarden in-process, warm: p50 (p90)", f -> ms(f.warm()));
        t.row("  of which parse / render / print YAML, p50", f -> String.format("%.1f / %.1f / %.1f ms",
                f.parse().percentileMs(50), f.render().percentileMs(50), f.print().percentileMs(50)));
        t.row("fleetwarden CLI process: median [min-max] of " + cliRuns, f -> range(f.fleetwardenCli()));
        t.row("flux-operator CLI process: median [min-max] of " + cliRuns, f -> range(f.fluxOperatorCli()));
        t.row("outputs identical", ResourceSetRenderTiming.Figures::identical);
        t.print();
    }

    private static void reconcile(int[] sizes, int noOps, Path dir) throws Exception {
        System.out.println("== 2. reconcile: per input set a ConfigMap and a ServiceAccount in the ResourceSet's tenant"
                + " namespace, applied as its service account; engine mode in this JVM, wired as the service");
        String stamp = dir.getFileName().toString();
        long begin = System.nanoTime();
        List<List<ResourceSetReconcileTiming.Step>> all = new ArrayList<>();
        // The registry and Sigstore are idle: EngineOnCluster wires the source gate too, which needs them.
        try (TestRegistry registry = TestRegistry.startQuiet();
                SignedArtifacts artifacts = new SignedArtifacts(registry, LocalSigstore.create());
                ControlPlane plane = ControlPlane.start(Components.locate(),
                        Components.repositoryRoot().resolve("target/control-plane/" + stamp));
                KubernetesClient admin = plane.adminClient()) {
            CustomResourceDefinitions.installAll(plane);
            System.out.printf("fresh control plane (etcd, kube-apiserver, kube-controller-manager) ready in %d ms, CRDs"
                    + " installed after %d ms; logs in %s%n", plane.startup().toMillis(),
                    (System.nanoTime() - begin) / 1_000_000, plane.dir());
            ResourceSetReconcileTiming timing = new ResourceSetReconcileTiming(plane, artifacts, admin);
            for (int n : sizes) {
                System.out.printf("-- %d inputs (load average %.2f)%n", n, OS.getSystemLoadAverage());
                all.add(timing.measure(n, noOps));
            }
        }
        List<Integer> columns = Arrays.stream(sizes).boxed().toList();
        Table<Integer> t = new Table<>("reconcile", columns, n -> n + " inputs");
        t.row("create -> Ready, 2N objects", n -> seconds(step(all, columns, n, 0)));
        t.row("  API requests", n -> requests(step(all, columns, n, 0)));
        t.row("  CPU: this JVM / kube-apiserver + etcd", n -> cpu(step(all, columns, n, 0)));
        if (noOps > 0) {
            t.row("no-change reconcile: median of " + noOps, n -> String.format("%.2f s",
                    median(all.get(columns.indexOf(n)).subList(1, 1 + noOps))));
            t.row("  API requests (the first)", n -> requests(step(all, columns, n, 1)));
            t.row("  CPU: this JVM / kube-apiserver + etcd (the first)", n -> cpu(step(all, columns, n, 1)));
        }
        t.row("N -> N/2 inputs: N objects deleted, Ready", n -> seconds(step(all, columns, n, 1 + noOps)));
        t.row("  API requests", n -> requests(step(all, columns, n, 1 + noOps)));
        t.row("  CPU: this JVM / kube-apiserver + etcd", n -> cpu(step(all, columns, n, 1 + noOps)));
        t.print();
        System.out.println("Flux Operator's controller is not run here (only its CLI is built): no reconcile baseline.");
    }

    private static ResourceSetReconcileTiming.Step step(List<List<ResourceSetReconcileTiming.Step>> all,
            List<Integer> columns, int n, int index) {
        return all.get(columns.indexOf(n)).get(index);
    }

    private static double median(List<ResourceSetReconcileTiming.Step> steps) {
        Stats s = new Stats(steps.size());
        steps.forEach(x -> s.add(x.nanos()));
        return s.percentileMs(50) / 1000;
    }

    private static String seconds(ResourceSetReconcileTiming.Step s) {
        return String.format("%.2f s", s.nanos() / 1e9);
    }

    private static String requests(ResourceSetReconcileTiming.Step s) {
        return s.requestCount() + " " + s.requests();
    }

    private static String cpu(ResourceSetReconcileTiming.Step s) {
        return String.format("%.1f s / %.1f s", s.jvmCpu(), s.apiServerCpu());
    }

    private static String ms(Stats s) {
        return String.format("%.1f ms (%.1f)", s.percentileMs(50), s.percentileMs(90));
    }

    private static String range(Stats s) {
        return String.format("%.0f ms [%.0f-%.0f]", s.percentileMs(50), s.percentileMs(0), s.percentileMs(100));
    }

    /** Figures side by side, one column per size. */
    private static final class Table<T> {

        private final List<T> columns;
        private final List<List<String>> rows = new ArrayList<>();

        Table(String title, List<T> columns, Function<T, String> heading) {
            this.columns = columns;
            row(title, heading);
        }

        void row(String label, Function<T, String> cell) {
            List<String> row = new ArrayList<>(List.of(label));
            columns.forEach(c -> row.add(cell.apply(c)));
            rows.add(row);
        }

        void print() {
            for (List<String> row : rows) {
                StringBuilder line = new StringBuilder(String.format("%-56s", row.get(0)));
                row.subList(1, row.size()).forEach(c -> line.append(String.format(" | %-42s", c)));
                System.out.println(line.toString().stripTrailing());
            }
        }
    }
}
