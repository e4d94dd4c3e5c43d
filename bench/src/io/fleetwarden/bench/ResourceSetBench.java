package io.fleetwarden.bench;

import io.fleetwarden.testing.cluster.Components;
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
 * </ol>
 *
 * <p>Arguments: {@code [sizes, comma-separated (100,1000)] [CLI runs per size and tool (5)]}.
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
        Runtime rt = Runtime.getRuntime();
        System.out.printf("java %s (%s), %d cpus, -Xmx %d MiB; load average %.2f at start%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"), rt.availableProcessors(),
                rt.maxMemory() >> 20, OS.getSystemLoadAverage());
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path dir = Components.repositoryRoot().resolve("target/resourceset-bench-" + stamp);
        render(sizes, cliRuns, dir);
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
