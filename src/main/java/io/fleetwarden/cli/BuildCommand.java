package io.fleetwarden.cli;

import io.fleetwarden.render.RenderException;
import io.fleetwarden.render.Yaml;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code fleetwarden build}: renders what the reconciler would apply, offline. */
@Command(name = "build", description = "Render sources offline as the reconciler would.",
        subcommands = {BuildCommand.Kustomization.class, BuildResourceSetCommand.class})
final class BuildCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }

    /**
     * {@code fleetwarden build kustomization DIR}: the objects of a kustomization directory as a YAML stream, built
     * as kustomize-controller builds it (a directory without kustomization.yaml gets Flux's generated one), then
     * Flux's postBuild substitution with the {@code --substitute} variables. Exit 0 with the stream on stdout, 1
     * when the build is refused (the reason, naming the file and field, on stderr), 64 on a usage error.
     */
    @Command(name = "kustomization", description = "Build a kustomization directory like kustomize-controller "
            + "(kustomize v5.8.1 semantics, remote bases refused) and print the objects as a YAML stream.")
    static final class Kustomization implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        KustomizationBuild build;

        @Override
        public Integer call() {
            try {
                spec.commandLine().getOut().print(Yaml.stream(build.objects()));
                return ExitCode.OK.code();
            } catch (RenderException e) {
                spec.commandLine().getErr().println("fleetwarden build kustomization: " + e.getMessage());
                return ExitCode.REJECTED.code();
            }
        }
    }
}
