package io.fleetwarden.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The offline CLI. It runs without booting Quarkus: no CDI, no operator, and no cluster connection except in
 * {@code diff}, which exists to ask a cluster (a dry run, with the user's kubeconfig), so a call returns quickly
 * and cannot touch a cluster by accident. Commands compose the same packages the service uses.
 *
 * <p>Exit codes: 0 success/verified/no changes, 1 not verified/denied/changes found, 2 infrastructure error
 * (registry or cluster unreachable, timeout, an object the API server refused to dry-run), 64 usage error, 70
 * internal error.
 */
@Command(name = "fleetwarden", mixinStandardHelpOptions = true, versionProvider = FleetwardenCli.Version.class,
        description = "Verify cosign-signed OCI artifacts and Sigstore bundles the way the fleetwarden gate does.",
        subcommands = {VerifyCommand.class, VerifyBundleCommand.class, CheckCommand.class, BuildCommand.class,
            DiffCommand.class})
public final class FleetwardenCli {

    public static final int VERIFIED = 0;
    public static final int NOT_VERIFIED = 1;
    public static final int INFRASTRUCTURE_ERROR = 2;
    public static final int USAGE = 64;
    public static final int INTERNAL_ERROR = 70;

    /** Runs one CLI invocation and returns its exit code; tests call this in-process. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new FleetwardenCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // A bug, not a verdict: one line, a distinct exit code, and never a success.
            err.println("fleetwarden: internal error: " + e);
            return INTERNAL_ERROR;
        });
        cli.getCommandSpec().exitCodeOnInvalidInput(USAGE);
        cli.getSubcommands().values().forEach(FleetwardenCli::usageExitCodes);
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Usage errors exit 64 at every depth of subcommands ({@code build kustomization}). */
    private static void usageExitCodes(CommandLine c) {
        c.getCommandSpec().exitCodeOnInvalidInput(USAGE);
        c.getSubcommands().values().forEach(FleetwardenCli::usageExitCodes);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FleetwardenCli.class.getPackage().getImplementationVersion();
            return new String[] {"fleetwarden " + (v == null ? "dev" : v)};
        }
    }
}
