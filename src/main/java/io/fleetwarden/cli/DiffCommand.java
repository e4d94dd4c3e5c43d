package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.apply.ApplyOptions;
import io.fleetwarden.apply.DryRun;
import io.fleetwarden.apply.Impersonation;
import io.fleetwarden.apply.OwnerLabels;
import io.fleetwarden.render.RenderException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fleetwarden diff}: what an apply would change on a cluster. The one command that contacts a cluster. */
@Command(name = "diff", description = "Show what an apply would change on a cluster (server-side dry run).",
        subcommands = DiffCommand.Kustomization.class)
final class DiffCommand implements Callable<Integer> {

    static final int NO_CHANGES = ExitCode.OK.code();
    static final int CHANGES = ExitCode.REJECTED.code();
    static final int ERROR = ExitCode.UNAVAILABLE.code();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }

    /**
     * {@code fleetwarden diff kustomization DIR}: builds DIR exactly as {@code build kustomization} does, then asks
     * the cluster, object by object, what a server-side apply as kustomize-controller would make of it
     * ({@code dryRun=All}, force), and prints the difference as {@code flux diff kustomization} does.
     */
    @Command(name = "kustomization", sortOptions = false, description = {
        "Build a kustomization directory as 'build kustomization' does and show what applying it would change on "
                + "a cluster, as 'flux diff kustomization' does: a server-side apply dry run (field manager "
                + "kustomize-controller, conflicts forced) per object, printed as '► Kind/namespace/name created', "
                + "or 'drifted' with a unified diff of the live object and the result; unchanged objects print "
                + "nothing. Secret values are masked. Objects a Kustomization would prune are not shown: no "
                + "Kustomization's inventory is read.",
        "Unlike the other commands, this one contacts a cluster, with the kubeconfig's credentials (and "
                + "--as impersonates a service account, as the reconciler does); it changes nothing there."},
        exitCodeListHeading = "Exit codes:%n", exitCodeList = {
            "0:no changes", "1:changes found", "2:the build was refused, or an object could not be dry-run "
                    + "(the message names it)", "64:usage error (bad option, missing kubeconfig or context)"})
    static final class Kustomization implements Callable<Integer> {

        private static final String COMMAND = "fleetwarden diff kustomization";

        @Spec
        CommandSpec spec;

        @Mixin
        KustomizationBuild build;

        @Mixin
        KubeconfigOptions kube;

        @Option(names = "--as", paramLabel = "SERVICEACCOUNT", description = "Dry-run as this service account of "
                + "--namespace (impersonated, as the reconciler applies a Kustomization's spec.serviceAccountName).")
        String serviceAccount;

        @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "The Kustomization's namespace: "
                + "where the --as service account lives, and the owner label of --kustomization.")
        String namespace;

        @Option(names = "--kustomization", paramLabel = "NAME", description = "Label the objects as the "
                + "Kustomization NAME of --namespace does (kustomize.toolkit.fluxcd.io/name, /namespace), so objects "
                + "it applied do not show those labels as removed.")
        String kustomization;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try {
                Impersonation as = impersonation();
                List<ObjectNode> objects = build.objects();
                if (kustomization != null) {
                    OwnerLabels.add(objects, namespace, kustomization);
                }
                List<DryRun.Change> changes;
                try (KubernetesClient client = kube.client()) {
                    changes = new DryRun(client, ApplyOptions.FLUX_FIELD_MANAGER).of(objects, as);
                }
                changes = SopsMask.compareByKeys(objects, changes);
                DiffPrinter.Summary summary = DiffPrinter.print(changes, spec.commandLine().getOut(), err, COMMAND);
                return summary.failures() ? ERROR : summary.changes() ? CHANGES : NO_CHANGES;
            } catch (RenderException e) {
                // Not 1: that would read as "changes found".
                err.println(COMMAND + ": build refused: " + e.getMessage());
                return ERROR;
            }
        }

        private Impersonation impersonation() {
            if (namespace != null && namespace.isBlank()) {
                throw CliFailure.usage("--namespace must not be empty");
            }
            if ((serviceAccount != null || kustomization != null) && namespace == null) {
                throw CliFailure.usage((serviceAccount != null ? "--as" : "--kustomization")
                        + " needs --namespace NS (the Kustomization's namespace)");
            }
            if (namespace != null && serviceAccount == null && kustomization == null) {
                throw CliFailure.usage("--namespace is the namespace of --as or --kustomization; "
                        + "give one of them (objects take their namespace from the build or --target-namespace)");
            }
            if (serviceAccount == null) {
                return Impersonation.NONE;
            }
            try {
                return Impersonation.serviceAccount(namespace, serviceAccount);
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage("--as: " + e.getMessage());
            }
        }
    }
}
