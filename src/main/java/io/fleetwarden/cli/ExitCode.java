package io.fleetwarden.cli;

/**
 * The exit codes of every command, in one place: commands return these, the top-level help lists them, and the
 * table in the README's "The CLI" says the same. A script can rely on them: 1 is always an answer ("no"), 2 is never
 * one. 64 and 70 are sysexits.h's EX_USAGE and EX_SOFTWARE.
 */
enum ExitCode {

    OK(0, "success: verified, every object admitted, built, no changes; also --help and --version"),
    REJECTED(1, "the answer is no: not verified, an object denied, a test failed, the build refused (diff: changes "
            + "found)"),
    UNAVAILABLE(2, "no answer: a registry, the network, a cluster or the deadline failed (diff: also a refused "
            + "build or an object that could not be dry-run)"),
    USAGE(64, "usage error: an unknown option, a malformed argument, a file that cannot be read, an invalid policy "
            + "or test file"),
    INTERNAL_ERROR(70, "internal error: a bug; FLEETWARDEN_DEBUG=1 shows its stack trace");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    int code() {
        return code;
    }

    String meaning() {
        return meaning;
    }
}
