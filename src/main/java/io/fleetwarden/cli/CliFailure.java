package io.fleetwarden.cli;

/**
 * A failure that is not a bug, thrown from anywhere in a command. {@link FleetwardenCli} prints it as one line,
 * {@code fleetwarden COMMAND: MESSAGE}, and exits with its code, so commands need not catch it and a user never sees
 * a stack trace for a mistyped path or an unreachable network.
 */
final class CliFailure extends RuntimeException {

    private final ExitCode exitCode;

    private CliFailure(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The user's mistake: a malformed value, a file that cannot be read. */
    static CliFailure usage(String message) {
        return new CliFailure(ExitCode.USAGE, message, null);
    }

    /** Something outside fleetwarden (the network, a registry, a cluster) kept the command from an answer. */
    static CliFailure unavailable(String message, Throwable cause) {
        return new CliFailure(ExitCode.UNAVAILABLE, message, cause);
    }

    ExitCode exitCode() {
        return exitCode;
    }
}
