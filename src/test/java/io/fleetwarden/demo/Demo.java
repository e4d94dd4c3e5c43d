package io.fleetwarden.demo;

import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The README's first command ({@code bin/demo}): a real registry on loopback, a local Sigstore, a small
 * signed fleet, and the packaged {@code bin/fleetwarden} deciding about each artifact. It ends by itself
 * and leaves nothing running (the registry is stopped, the temporary directory deleted).
 */
public final class Demo {

    /** Runs one CLI call; the demo uses the real launcher, its test runs the CLI in-process. */
    interface Cli {
        Result run(List<String> args) throws Exception;
    }

    record Result(int code, String output) {
    }

    record Step(String narration, List<String> args, int expectedExit) {
    }

    public static void main(String[] args) throws Exception {
        Path launcher = Path.of(args.length > 0 ? args[0] : "bin/fleetwarden");
        Path app = Path.of(args.length > 1 ? args[1] : "target/quarkus-app");
        int failed = run(new LauncherCli(launcher), System.out::println);
        Path dir = Files.createTempDirectory("fleetwarden-demo-cluster");
        try {
            failed += ClusterDemo.run(app, dir, System.out::println);
        } finally {
            delete(dir);
        }
        System.out.println(failed == 0 ? "== every step ended as expected; the service, the control plane and the registry "
                + "are stopped and nothing is left running" : "== " + failed + " step(s) did not end as expected");
        System.exit(failed == 0 ? 0 : 1);
    }

    /** Runs the scenario; returns how many steps did not end as narrated. */
    static int run(Cli cli, java.util.function.Consumer<String> say) throws Exception {
        Path dir = Files.createTempDirectory("fleetwarden-demo");
        try (TestRegistry registry = TestRegistry.start(null);
                SignedArtifacts artifacts = new SignedArtifacts(registry, LocalSigstore.create())) {
            say.accept("== fleetwarden demo: a local OCI registry on " + registry.host()
                    + ", a local Sigstore (Fulcio CA, CT log, Rekor log), and a small fleet signed by GitHub-Actions-like identities");
            DemoFleet fleet = new DemoFleet(artifacts, dir);
            say.accept("== policy " + fleet.policy.getFileName() + ": acme/fleet-apps components must be signed by "
                    + "push-artifact.yaml on refs/heads/main (tag latest bound to main)\n");
            List<String> common = List.of("--policy", fleet.policy.toString(), "--trusted-root",
                    "local=" + fleet.trustedRoot);
            int failed = 0;
            for (Step step : steps(fleet)) {
                if (step.narration().startsWith("(")) {
                    fleet.pushUnsignedFrontend();
                }
                failed += play(cli, say, step, common);
            }
            return failed;
        } finally {
            delete(dir);
        }
    }

    static List<Step> steps(DemoFleet fleet) {
        return List.of(
                new Step("frontend:latest, signed by push-artifact.yaml on main (cosign v3 bundle): admitted",
                        List.of("verify", fleet.frontend), 0),
                new Step("monitoring:latest, signed the cosign v2 way (legacy .sig tag): admitted",
                        List.of("verify", fleet.legacy), 0),
                new Step("backend:latest, signed by debug.yaml, a workflow the policy does not trust: rejected",
                        List.of("verify", fleet.backend), 1),
                new Step("payments:latest, never signed: rejected", List.of("verify", fleet.payments), 1),
                new Step("(frontend's latest tag is moved to a new, unsigned build) frontend:latest again: rejected",
                        List.of("verify", fleet.frontend), 1));
    }

    private static int play(Cli cli, java.util.function.Consumer<String> say, Step step, List<String> common)
            throws Exception {
        List<String> args = new ArrayList<>(step.args());
        args.addAll(common);
        say.accept("$ fleetwarden " + String.join(" ", step.args()) + " --policy ... --trusted-root ...");
        say.accept("# " + step.narration());
        Result r = cli.run(args);
        say.accept(r.output().stripTrailing().indent(2).stripTrailing());
        boolean ok = r.code() == step.expectedExit();
        say.accept("  -> exit " + r.code() + (ok ? "" : " (expected " + step.expectedExit() + ")") + "\n");
        return ok ? 0 : 1;
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
