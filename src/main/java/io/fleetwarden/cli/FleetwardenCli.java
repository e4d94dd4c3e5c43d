package io.fleetwarden.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The offline CLI. It runs without booting Quarkus: no CDI, no operator, no cluster connection, so a call
 * returns quickly and cannot touch a cluster by accident. Commands compose the same packages the service
 * uses.
 *
 * <p>Exit codes: 0 success/verified, 1 not verified/denied, 2 infrastructure error (registry unreachable,
 * timeout), 64 usage error, 70 internal error.
 */
@Command(name = "fleetwarden", mixinStandardHelpOptions = true, versionProvider = FleetwardenCli.Version.class,
        description = "Verify cosign-signed OCI artifacts and Sigstore bundles the way the fleetwarden gate does.",
        subcommands = {VerifyCommand.class, VerifyBundleCommand.class, CheckCommand.class, BuildCommand.class})
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
        cli.getSubcommands().values().forEach(c -> c.getCommandSpec().exitCodeOnInvalidInput(USAGE));
        cli.getSubcommands().values().forEach(c -> c.getSubcommands().values()
                .forEach(s -> s.getCommandSpec().exitCodeOnInvalidInput(USAGE)));
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
