package io.fleetwarden.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The offline CLI. It runs without booting Quarkus: no CDI, no operator, and no cluster connection except in
 * {@code diff}, which exists to ask a cluster (a dry run, with the user's kubeconfig), so a call returns quickly
 * and cannot touch a cluster by accident. Commands compose the same packages the service uses.
 *
 * <p>Every command exits with an {@link ExitCode}. A failure that is not a bug ({@link CliFailure}) is one line
 * naming the command; anything else is a bug, reported as one line without Java class names (the stack trace only
 * with {@value #DEBUG_ENV} set) and exit 70.
 */
@Command(name = "fleetwarden",
        description = "Verify cosign-signed OCI artifacts and Sigstore bundles the way the fleetwarden gate does.",
        subcommands = {VerifyCommand.class, VerifyBundleCommand.class, CheckCommand.class, TestCommand.class,
            BuildCommand.class, DiffCommand.class, HelpCommand.class}, exitCodeListHeading = "Exit codes:%n")
public final class FleetwardenCli {

    /** Set (to anything but empty) to print the stack trace of an internal error. */
    static final String DEBUG_ENV = "FLEETWARDEN_DEBUG";

    /** A Java exception's class name in a message: a wrapping exception's message is its cause's toString(). */
    private static final Pattern CLASS_NAME = Pattern.compile(
            "(?:[a-zA-Z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error)(?::\\s*|$)");

    /** Runs one CLI invocation and returns its exit code; tests call this in-process. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        String debug = System.getenv(DEBUG_ENV);
        return run(commandLine(), args, out, err, debug != null && !debug.isEmpty());
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
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof CliFailure failure) {
                err.println(command.getCommandSpec().qualifiedName() + ": " + failure.getMessage());
                return failure.exitCode().code();
            }
            // A bug, not a verdict: one line a user can report, a distinct exit code, and never a success.
            err.println("fleetwarden: internal error: " + bugMessage(e));
            if (debug) {
                e.printStackTrace(err);
            }
            return ExitCode.INTERNAL_ERROR.code();
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The first message in the cause chain, without the Java class names a user cannot act on. */
    static String bugMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? "" : CLASS_NAME.matcher(t.getMessage()).replaceAll("").strip();
            if (!m.isEmpty()) {
                return m;
            }
        }
        return "no message (" + DEBUG_ENV + "=1 shows where it happened)";
    }

    /** The Maven project version, from the resource Maven filters at build time. */
    static final class Version implements CommandLine.IVersionProvider {

        static final String RESOURCE = "/io/fleetwarden/cli/version.properties";

        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IOException(RESOURCE + " is missing from the classpath");
                }
                p.load(in);
            }
            return new String[] {"fleetwarden " + p.getProperty("version")};
        }
    }
}
