package io.fleetwarden.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The offline CLI. It runs without booting Quarkus: no CDI, no operator, and no cluster connection except in
 * {@code diff}, which exists to ask a cluster (a dry run, with the user's kubeconfig), so a call returns quickly
 * and cannot touch a cluster by accident. Commands compose the same packages the service uses.
 *
 * <p>Exit codes: 0 success/verified/no changes, 1 not verified/denied/changes found, 2 infrastructure error
 * (registry or cluster unreachable, timeout, an object the API server refused to dry-run), 64 usage error, 70
 * internal error.
 */
@Command(name = "fleetwarden", description = "Verify cosign-signed OCI artifacts and Sigstore bundles the way the fleetwarden gate does.",
        subcommands = {VerifyCommand.class, VerifyBundleCommand.class, CheckCommand.class, BuildCommand.class,
            DiffCommand.class, HelpCommand.class}, exitCodeListHeading = "Exit codes:%n")
public final class FleetwardenCli {

    public static final int VERIFIED = 0;
    public static final int NOT_VERIFIED = 1;
    public static final int INFRASTRUCTURE_ERROR = 2;
    public static final int USAGE = 64;
    public static final int INTERNAL_ERROR = 70;

    /** Runs one CLI invocation and returns its exit code; tests call this in-process. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(commandLine(), args, out, err, false);
    }

    /** The command tree, every command with the same conventions. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new FleetwardenCli());
        Map<String, String> exitCodes = new LinkedHashMap<>();
        for (ExitCode c : ExitCode.values()) {
            exitCodes.put(Integer.toString(c.code()), c.meaning());
        }
        cli.getCommandSpec().usageMessage().exitCodeList(exitCodes);
        sameConventions(cli);
        return cli;
    }

    /**
     * What every command shares, at every depth ({@code build kustomization}): -h/--help and -V/--version, which
     * exit 0 even where a required option is missing, and usage errors exiting 64. Applied here rather than in each
     * annotation so that no command can miss it.
     */
    private static void sameConventions(CommandLine c) {
        CommandSpec spec = c.getCommandSpec();
        spec.mixinStandardHelpOptions(true);
        spec.versionProvider(new Version());
        spec.exitCodeOnInvalidInput(ExitCode.USAGE.code());
        c.getSubcommands().values().forEach(FleetwardenCli::sameConventions);
    }

    static int run(CommandLine cli, String[] args, PrintWriter out, PrintWriter err, boolean debug) {
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // A bug, not a verdict: one line, a distinct exit code, and never a success.
            err.println("fleetwarden: internal error: " + e);
            return INTERNAL_ERROR;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FleetwardenCli.class.getPackage().getImplementationVersion();
            return new String[] {"fleetwarden " + (v == null ? "dev" : v)};
        }
    }
}
