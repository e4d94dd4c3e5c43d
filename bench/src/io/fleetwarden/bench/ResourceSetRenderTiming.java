package io.fleetwarden.bench;

import io.fleetwarden.cli.FleetwardenCli;
import io.fleetwarden.render.resourceset.ResourceSetRenderer;
import io.fleetwarden.testing.CachedBuild;
import io.fleetwarden.testing.cluster.Components;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Phase 1 of the ResourceSet benchmark: one generated ResourceSet rendered on the same file by fleetwarden, warm in
 * this JVM and as a fresh CLI process, and by the Flux Operator CLI as a process; and whether all three print the
 * same bytes, which is what makes the times comparable.
 */
final class ResourceSetRenderTiming {

    /**
     * @param warm the CLI command run in this JVM after warm-up ({@code FleetwardenCli.run}: read, parse, render,
     *             print to a string); {@code parse}, {@code render} and {@code print} its parts, timed apart
     * @param identical "yes", or where the outputs first differ
     */
    record Figures(int inputs, int objects, long outputBytes, Stats warm, Stats parse, Stats render, Stats print,
            Stats fleetwardenCli, Stats fluxOperatorCli, String identical) {
    }

    private final Path dir;
    private final TimedCommand fluxOperator;
    private final TimedCommand fleetwarden;

    /** @param dir where the generated files and the outputs are written */
    ResourceSetRenderTiming(Path dir) throws java.io.IOException {
        this.dir = Files.createDirectories(dir);
        Path binary = CachedBuild.folder("bin/build-flux-operator-cli", "fleetwarden.flux-operator", 30)
                .resolve("flux-operator");
        // As the differential tests run it: no cluster to reach, no user configuration read.
        this.fluxOperator = new TimedCommand(List.of(binary.toString(), "build", "resourceset", "-f"),
                Map.of("KUBECONFIG", "/nonexistent", "HOME", dir.toString()));
        this.fleetwarden = new TimedCommand(List.of(Components.repositoryRoot().resolve("bin/fleetwarden").toString(),
                "build", "resourceset", "-f"), Map.of());
    }

    Figures measure(int n, int cliRuns) throws Exception {
        Path file = dir.resolve("resourceset-" + n + ".yaml");
        Files.writeString(file, ResourceSetFixtures.d2Shaped(n));

        // Warm: enough rounds for the JIT to settle on this size (the sizes before it warmed it too).
        int warmup = Math.max(5, 2000 / n);
        int rounds = Math.max(10, 3000 / n);
        String[] args = {"build", "resourceset", "-f", file.toString()};
        String[] inProcess = new String[1];
        Stats warm = Stats.measure(warmup, rounds, () -> inProcess[0] = runInProcess(args));
        String text = Files.readString(file);
        Stats parse = Stats.measure(warmup, rounds, () -> parse(text));
        Map<String, Object> rset = parse(text);
        Stats render = Stats.measure(warmup, rounds, () -> ResourceSetRenderer.render(rset, List.of()));
        List<ResourceSetRenderer.Step> steps = ResourceSetRenderer.render(rset, List.of());
        Stats print = Stats.measure(warmup, rounds, () -> ResourceSetRenderer.toYaml(steps));
        int objects = steps.stream().mapToInt(s -> s.objects().size()).sum();

        // Cold: one process per render. A first run of each is not counted (it fills the page cache); then the two
        // alternate, so both see the same load.
        Path ours = dir.resolve("fleetwarden-" + n + ".out");
        Path theirs = dir.resolve("flux-operator-" + n + ".out");
        List<String> fileArg = List.of(file.toString());
        TimedCommand fw = with(fleetwarden, fileArg);
        TimedCommand fo = with(fluxOperator, fileArg);
        fw.run(ours);
        fo.run(theirs);
        Stats fleetwardenCli = new Stats(cliRuns);
        Stats fluxOperatorCli = new Stats(cliRuns);
        for (int i = 0; i < cliRuns; i++) {
            fluxOperatorCli.add(fo.run(theirs));
            fleetwardenCli.add(fw.run(ours));
        }
        String expected = Files.readString(theirs, StandardCharsets.UTF_8);
        String identical = firstDifference(expected, Files.readString(ours, StandardCharsets.UTF_8), "fleetwarden CLI");
        if (identical.equals("yes")) {
            identical = firstDifference(expected, inProcess[0], "fleetwarden in-process");
        }
        return new Figures(n, objects, Files.size(theirs), warm, parse, render, print, fleetwardenCli, fluxOperatorCli,
                identical);
    }

    private static TimedCommand with(TimedCommand base, List<String> more) {
        List<String> command = new java.util.ArrayList<>(base.command());
        command.addAll(more);
        return new TimedCommand(command, base.environment());
    }

    private static String runInProcess(String[] args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FleetwardenCli.run(args, new PrintWriter(out), new PrintWriter(err));
        if (code != 0) {
            throw new IllegalStateException("fleetwarden build resourceset exited " + code + ": " + err);
        }
        return out.toString();
    }

    /** What the CLI does before rendering: the YAML parsed to Go-like values, the ResourceSet copied. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String text) throws ResourceSetRenderer.RenderException {
        Map<?, ?> doc = (Map<?, ?>) ResourceSetRenderer.readYaml(text).get(0);
        Map<String, Object> copy = new LinkedHashMap<>();
        doc.forEach((k, v) -> copy.put(String.valueOf(k), v));
        return copy;
    }

    /** "yes" when equal, else the first line that differs, from both sides. */
    private static String firstDifference(String expected, String actual, String who) {
        if (expected.equals(actual)) {
            return "yes";
        }
        String[] a = expected.split("\n", -1);
        String[] b = actual.split("\n", -1);
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (!a[i].equals(b[i])) {
                return "no: line " + (i + 1) + ": flux-operator '" + a[i] + "', " + who + " '" + b[i] + "'";
            }
        }
        return "no: flux-operator printed " + a.length + " lines, " + who + " " + b.length;
    }
}
