package io.fleetwarden.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code fleetwarden build}: offline renderers; each kind of object is a subcommand. */
@Command(name = "build", description = "Render Flux objects offline to the Kubernetes objects they would apply.",
        subcommands = {BuildResourceSetCommand.class})
final class BuildCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return FleetwardenCli.USAGE;
    }
}
