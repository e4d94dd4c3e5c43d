package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.gate.DecisionCache;
import io.fleetwarden.gate.HelmChartGate;
import io.fleetwarden.gate.HelmRepositories;
import io.fleetwarden.gate.OciSourceGate;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.oci.HttpRegistryClient;
import io.fleetwarden.verify.cosign.CosignSignatureVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fleetwarden check}: judges manifests as the webhook would, before they are merged. OCIRepositories
 * go through the signature gate (or only its offline part), Flux objects and Namespaces through the
 * tenancy rules, policy documents through the policy compiler; the objects a ResourceSet or a FluxInstance among
 * them would create are judged too ({@link CheckExpansion}), after the postBuild substitution the files would get
 * ({@link PostBuildOptions}). One line per object and a summary ({@link CheckReport}); exit 1 if any is denied (a
 * malformed document, an unsupported version or a ResourceSet that fails to build counts as denied), 2 if none is
 * denied but some could not be decided (a registry, or what cannot be known offline: "NOT JUDGED"), 64 on a usage
 * error or when nothing was judged at all, 0 otherwise.
 */
@Command(name = "check", description = "Evaluate manifests (OCIRepositories, Flux objects, policies, and what "
        + "ResourceSets and FluxInstances would create) as the admission webhook would.")
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--policy", required = true, paramLabel = "FILE_OR_DIR", description = "ArtifactPolicy and "
            + "TenancyPolicy files in force (repeatable).")
    List<Path> policy;

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE_OR_DIR",
            description = "Manifests to check (repeatable; directories recursively; multi-document YAML; kind: List; "
                    + "- for standard input).")
    List<Path> files;

    @Option(names = "--cluster-state", paramLabel = "FILE", description = "Objects that exist in the cluster "
            + "(Namespaces and their labels), as a YAML stream or the output of kubectl get namespaces -o yaml; a "
            + "checked Namespace of the same name is an update.")
    Path clusterState;

    @Option(names = "--offline", description = "No registry calls: check coverage, the verification spec and tenancy.")
    boolean offline;

    @Option(names = "--as", paramLabel = "USER", description = "Requesting user; default: the tenant's default "
            + "service account of each object's namespace (system:serviceaccount:NS:flux). A ResourceSet's objects "
            + "are requested by its spec.serviceAccountName, a FluxInstance's by Flux Operator.")
    String as;

    @Option(names = "--namespace", defaultValue = "default", description = "Namespace of objects that name none.")
    String namespace;

    @Option(names = "--uncovered", defaultValue = "deny", description = "OCI sources no policy covers: deny, warn "
            + "or allow. Default ${DEFAULT-VALUE}.")
    String uncovered;

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json")
    String output;

    @Mixin
    PostBuildOptions postBuild;

    @Mixin
    RegistryOptions registryOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PolicySource.Loaded loaded;
        RegistryOptions.Services services;
        Map<String, String> vars;
        try {
            if (!output.equals("text") && !output.equals("json")) {
                throw new IllegalArgumentException("--output: expected text or json, got \"" + output + "\"");
            }
            loaded = PolicySource.load(policy, Uncovered.parse(uncovered));
            services = registryOptions.services();
            vars = postBuild.variables();
        } catch (IllegalArgumentException e) {
            err.println("fleetwarden check: " + e.getMessage());
            return ExitCode.USAGE.code();
        }
        if (!loaded.errors().isEmpty()) {
            loaded.errors().forEach(e -> err.println("fleetwarden check: policy: " + e));
            return ExitCode.USAGE.code();
        }
        if (clusterState != null && clusterState.toString().equals(ManifestReader.STDIN) && files.stream()
                .anyMatch(f -> f.toString().equals(ManifestReader.STDIN))) {
            err.println("fleetwarden check: standard input (-) can be read once: give it to -f or to --cluster-state");
            return ExitCode.USAGE.code();
        }
        ManifestReader.Read manifests = ManifestReader.read(files);
        ManifestReader.Read state = clusterState == null ? new ManifestReader.Read(List.of(), List.of())
                : ManifestReader.read(List.of(clusterState));
        if (!manifests.errors().isEmpty() || !state.errors().isEmpty()) {
            manifests.errors().forEach(e -> err.println("fleetwarden check: " + e));
            state.errors().forEach(e -> err.println("fleetwarden check: cluster state: " + e));
            return ExitCode.USAGE.code();
        }
        try (HttpRegistryClient registry = services.registry()) {
            CheckReport report = new Judging(loaded.snapshot(), registry, services.signatures(), registryOptions.timeout(),
                    as, namespace, offline).judge(manifests.manifests(), state.manifests(), vars);
            if (output.equals("json")) {
                report.json(out);
            } else {
                report.text(out);
            }
            if (report.total().judged() + report.total().notJudged == 0) {
                err.println("fleetwarden check: nothing was judged: " + (report.total().skipped == 0
                        ? "no Kubernetes objects in " + files
                        : "none of the " + report.total().skipped + " objects in " + files + " is of a kind the webhooks "
                                + "judge (OCIRepository and the other Flux sources, Kustomization, HelmRelease, "
                                + "ResourceSet, Namespace, fleetwarden policies), nor does any create one"));
            }
            return report.exitCode();
        }
    }

    /**
     * What check judges with, as its options say: the policies, the registry (the caller's to close), whom it asks
     * as, the namespace of objects that name none, and whether registries are asked. {@code fleetwarden test} judges
     * with the same.
     */
    record Judging(PolicySnapshot snapshot, HttpRegistryClient registry, CosignSignatureVerifier signatures,
            Duration timeout, String as, String namespace, boolean offline) {

        /**
         * Judges the manifests, and what the ResourceSets and FluxInstances among them would create, after the
         * postBuild substitution with {@code vars}, against the Namespaces of {@code clusterState}: one line per
         * judged object, in order; the objects no webhook judges are counted as skipped.
         */
        CheckReport judge(List<ManifestReader.Manifest> manifests, List<ManifestReader.Manifest> clusterState,
                Map<String, String> vars) {
            ClusterState existing = ClusterState.of(clusterState);
            ManifestJudge namespaceJudge = judge(existing, HelmRepositories.none());
            List<CheckExpansion.Item> items = CheckExpansion.expand(manifests, vars, namespace,
                    namespaceJudge::resourceSetApplier);
            HelmRepositories helm = new ManifestHelmSources(clusterState.stream().map(ManifestReader.Manifest::object)
                    .toList(), items.stream().filter(i -> i instanceof CheckExpansion.Judge).map(i -> ((CheckExpansion.Judge) i)
                    .manifest().object()).toList(), namespace == null ? "default" : namespace);
            // Namespaces first, as Flux applies them (and as kubectl apply orders them): the other objects are
            // judged against the labels the cluster will have, which are the new ones only where the webhook
            // would admit the Namespace change; a denied change leaves the cluster's labels in force.
            Map<CheckExpansion.Item, ManifestJudge.Line> judged = new IdentityHashMap<>();
            List<JsonNode> admitted = new ArrayList<>();
            for (CheckExpansion.Item item : items) {
                if (item instanceof CheckExpansion.Judge j && ClusterState.isNamespace(j.manifest().object())) {
                    ManifestJudge.Line l = judgeOne(namespaceJudge, item);
                    judged.put(item, l);
                    if (l != null && l.verdict() != ManifestJudge.Verdict.DENIED) {
                        admitted.add(j.manifest().object());
                    }
                }
            }
            ManifestJudge judge = judge(existing.withApplied(admitted), helm);
            CheckReport report = new CheckReport();
            for (CheckExpansion.Item item : items) {
                ManifestJudge.Line l = judged.containsKey(item) ? judged.get(item) : judgeOne(judge, item);
                if (l != null) {
                    report.add(l);
                } else {
                    report.skip(((CheckExpansion.Judge) item).manifest().object());
                }
            }
            return report;
        }

        private ManifestJudge judge(ClusterState cluster, HelmRepositories helm) {
            OciSourceGate gate = new OciSourceGate(() -> snapshot, (source, deadline) -> registry, signatures,
                    DecisionCache.defaults(), cluster);
            return new ManifestJudge(gate, new HelmChartGate(gate, helm), snapshot, cluster, as, namespace, offline,
                    timeout);
        }
    }

    /** One item's line; a bug met on one object is that object's error, and the others are still judged. */
    private static ManifestJudge.Line judgeOne(ManifestJudge judge, CheckExpansion.Item item) {
        if (item instanceof CheckExpansion.Decided d) {
            return d.line();
        }
        if (item instanceof CheckExpansion.PulledArtifact a) {
            return guarded(a.manifest(), () -> judge.pulledArtifact(a.manifest(), a.what()));
        }
        ManifestReader.Manifest m = ((CheckExpansion.Judge) item).manifest();
        return guarded(m, () -> judge.judge(m));
    }

    private static ManifestJudge.Line guarded(ManifestReader.Manifest m, java.util.function.Supplier<ManifestJudge.Line> f) {
        try {
            return f.get();
        } catch (RuntimeException e) {
            return CheckExpansion.line(ManifestJudge.Verdict.DENIED, m, "InternalError", "could not be judged: " + FleetwardenCli.bugMessage(e));
        }
    }
}
