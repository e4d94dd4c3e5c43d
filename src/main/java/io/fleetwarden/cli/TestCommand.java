package io.fleetwarden.cli;

import io.fleetwarden.oci.HttpRegistryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fleetwarden test}: declarative policy tests, in the manner of {@code kyverno test}. Each
 * {@code fleetwarden-test.yaml} ({@link TestSpec}) names policies, manifests and check's options, and the decisions
 * its objects must get; the manifests are judged in-process exactly as {@code check} judges them
 * ({@link CheckCommand.Judging}) and each expected result is compared with the verdicts ({@link TestReport}). Exit 0
 * when every test passes, 1 when one fails, 2 when an expected result could not be evaluated for want of a registry,
 * 64 when a test file (or a path it names, or a policy) cannot be used: every problem of it is listed, and the other
 * tests still run.
 */
@Command(name = "test", description = "Run declarative policy tests: each " + TestSpec.FILE_NAME + " names policies, "
        + "manifests and the decisions their objects must get (allowed, denied by which check); the manifests are "
        + "judged as check judges them. Run it in CI before a policy change merges.")
final class TestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "A directory: every " + TestSpec.FILE_NAME
            + " in it or under it is run; or a test file.")
    List<Path> paths;

    @Option(names = "--strict", description = "Judged objects that no expected result names fail their test "
            + "(without it they are listed as not asserted).")
    boolean strict;

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json")
    String output;

    @Mixin
    RegistryOptions registryOptions;

    /** Directories deeper than this are not searched for test files. */
    static final int MAX_DEPTH = 16;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!output.equals("text") && !output.equals("json")) {
            throw CliFailure.usage("--output: expected text or json, got \"" + output + "\"");
        }
        List<String> problems = new ArrayList<>();
        List<Path> files = find(paths, problems);
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println("fleetwarden test: " + p));
            return ExitCode.USAGE.code();
        }
        RegistryOptions.Services services = registryOptions.services();
        TestReport report = new TestReport();
        try (HttpRegistryClient registry = services.registry()) {
            for (Path file : files) {
                report.add(run(file, services, registry));
            }
        }
        for (TestReport.Test t : report.tests()) {
            t.errors().forEach(e -> err.println("fleetwarden test: " + t.file() + ": " + e));
        }
        if (output.equals("json")) {
            report.json(out);
        } else {
            report.text(out);
        }
        err.flush();
        return report.exitCode();
    }

    private TestReport.Test run(Path file, RegistryOptions.Services services, HttpRegistryClient registry) {
        TestSpec.Parsed parsed = TestSpec.parse(file);
        String dirName = file.toAbsolutePath().normalize().getParent().getFileName().toString();
        if (parsed.spec() == null) {
            return TestReport.Test.invalid(file, dirName, parsed.errors());
        }
        TestSpec test = parsed.spec();
        List<String> errors = new ArrayList<>();
        PolicySource.Loaded loaded = PolicySource.load(test.policies(), test.uncovered());
        loaded.errors().forEach(e -> errors.add("policies: " + e));
        ManifestReader.Read manifests = ManifestReader.read(test.resources());
        manifests.errors().forEach(e -> errors.add("resources: " + e));
        ManifestReader.Read state = test.clusterState() == null ? new ManifestReader.Read(List.of(), List.of())
                : ManifestReader.read(List.of(test.clusterState()));
        state.errors().forEach(e -> errors.add("clusterState: " + e));
        Map<String, String> vars = Map.of();
        try {
            vars = PostBuildOptions.variables("substituteFrom", test.substituteFrom(), test.substitute());
        } catch (IllegalArgumentException e) {
            errors.add(e.getMessage());
        }
        if (!errors.isEmpty()) {
            return TestReport.Test.invalid(file, test.name(), errors);
        }
        CheckReport judged = new CheckCommand.Judging(loaded.snapshot(), registry, services.signatures(),
                registryOptions.timeout(), test.as(), test.namespace(), test.offline())
                .judge(manifests.manifests(), state.manifests(), vars);
        return TestReport.evaluate(test, judged, strict);
    }

    /** The test files: a file as given, a directory's {@value TestSpec#FILE_NAME}s at any depth, each once. */
    static List<Path> find(List<Path> paths, List<String> problems) {
        Set<Path> found = new LinkedHashSet<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                problems.add(p + ": no such file or directory");
            } else if (!Files.isDirectory(p)) {
                found.add(p.normalize());
            } else {
                try (Stream<Path> walk = Files.walk(p, MAX_DEPTH)) {
                    List<Path> in = walk.filter(f -> f.getFileName().toString().equals(TestSpec.FILE_NAME))
                            .filter(Files::isRegularFile).map(Path::normalize).sorted().toList();
                    if (in.isEmpty()) {
                        problems.add(p + ": no " + TestSpec.FILE_NAME + " in it or under it");
                    }
                    found.addAll(in);
                } catch (IOException | java.io.UncheckedIOException e) {
                    problems.add(p + ": cannot be read: " + e.getMessage());
                }
            }
        }
        return List.copyOf(found);
    }
}
