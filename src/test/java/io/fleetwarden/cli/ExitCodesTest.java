package io.fleetwarden.cli;

import io.fleetwarden.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The documented exit codes (ExitCode, README "Exit codes"), for the cases users hit: a file given to an option
 * that is not there is a usage error naming it, a malformed digest is a usage error, a network failure is
 * "unavailable", and a bug is one line without Java class names or a stack trace.
 */
class ExitCodesTest {

    static final String DIGEST = "sha256:" + "a".repeat(64);

    @TempDir
    Path dir;


    static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    /** A usage error: exit 64, one line on stderr that starts with the command and names the file. */
    static void assertUsageErrorNaming(CliRun r, String command, Path file, String reason) {
        assertThat(r.code()).as(r.err()).isEqualTo(64);
        assertThat(r.err()).startsWith(command + ": ").contains(file.toString()).contains(reason)
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err().strip()).doesNotContain("\n");
    }

    @Test
    void aMissingKeyFileIsAUsageErrorNamingIt() {
        Path missing = dir.resolve("cosign.pub");
        assertUsageErrorNaming(cli("verify", "oci://ghcr.io/acme/app:latest", "--key", missing.toString()),
                "fleetwarden verify", missing, "no such file");
        assertUsageErrorNaming(cli("verify-bundle", "--bundle", bundle().toString(), "--key", missing.toString(), DIGEST),
                "fleetwarden verify-bundle", missing, "no such file");
    }

    @Test
    void aDirectoryGivenAsAKeyIsAUsageError() {
        assertUsageErrorNaming(cli("verify", "oci://ghcr.io/acme/app:latest", "--key", dir.toString()),
                "fleetwarden verify", dir, "is a directory");
    }

    @Test
    void missingFilesOfTheOtherOptionsAreUsageErrorsNamingThem() {
        Path missing = dir.resolve("missing.json");
        String[] identity = {"--certificate-identity", "x", "--certificate-oidc-issuer", "y"};
        assertUsageErrorNaming(cli(concat(new String[] {"verify", "oci://ghcr.io/acme/app:latest", "--trusted-root",
                missing.toString()}, identity)), "fleetwarden verify", missing, "no such file");
        assertUsageErrorNaming(cli(concat(new String[] {"verify", "oci://ghcr.io/acme/app:latest", "--docker-config",
                missing.toString()}, identity)), "fleetwarden verify", missing, "no such file");
        assertUsageErrorNaming(cli("verify", "oci://ghcr.io/acme/app:latest", "--policy", missing.toString()),
                "fleetwarden verify", missing, "no such file");

        assertUsageErrorNaming(cli(concat(new String[] {"verify-bundle", "--bundle", missing.toString()}, identity,
                new String[] {DIGEST})), "fleetwarden verify-bundle", missing, "no such file");
        assertUsageErrorNaming(cli(concat(new String[] {"verify-bundle", "--bundle", bundle().toString(),
                "--trusted-root", missing.toString()}, identity, new String[] {DIGEST})), "fleetwarden verify-bundle",
                missing, "no such file");
        assertUsageErrorNaming(cli(concat(new String[] {"verify-bundle", "--bundle", bundle().toString()}, identity,
                new String[] {missing.toString()})), "fleetwarden verify-bundle", missing, "no such file");
    }

    @Test
    void aMalformedDigestIsAUsageError() {
        CliRun r = cli("verify-bundle", "--bundle", bundle().toString(), "--certificate-identity", "x",
                "--certificate-oidc-issuer", "y", "sha256:zz");
        assertThat(r.code()).as(r.err()).isEqualTo(64);
        assertThat(r.err()).startsWith("fleetwarden verify-bundle: ").contains("invalid digest \"sha256:zz\"");
    }

    @Test
    void stagingWithoutATrustedRootIsAUsageError() {
        CliRun r = cli("verify-bundle", "--staging", "--bundle", bundle().toString(), "--certificate-identity", "x",
                "--certificate-oidc-issuer", "y", DIGEST);
        assertThat(r.code()).isEqualTo(64);
        assertThat(r.err()).contains("--staging needs --trusted-root");
    }

    /**
     * The refresh is the one network call outside registries; these machines have no internet, so it fails, and a
     * failure to reach the network is "unavailable", not the user's mistake. (Skipped where the TUF host resolves.)
     */
    @Test
    void aFailedTrustedRootRefreshIsUnavailable() {
        assumeTrue(unresolvable("tuf-repo-cdn.sigstore.dev"), "the TUF repository is reachable from here");
        CliRun r = cli("verify", "oci://ghcr.io/acme/app:latest", "--certificate-identity", "x",
                "--certificate-oidc-issuer", "y", "--refresh-public-good", dir.resolve("tuf").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("fleetwarden verify: ").contains("public-good trusted root refresh over TUF failed")
                .doesNotContain("Exception");
    }

    @Command(name = "boom", description = "Fails the way a bug does.")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException(new IOException("the index is corrupt"));
        }
    }

    static CliRun withBoom(boolean debug) {
        CommandLine cli = FleetwardenCli.commandLine();
        cli.addSubcommand(new Boom());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FleetwardenCli.run(cli, new String[] {"boom"}, new PrintWriter(out), new PrintWriter(err), debug);
        return new CliRun(code, out.toString(), err.toString());
    }

    @Test
    void aBugIsOneLineWithoutJavaNamesAndExits70() {
        CliRun r = withBoom(false);
        assertThat(r.code()).isEqualTo(70);
        assertThat(r.err()).isEqualTo("fleetwarden: internal error: the index is corrupt\n");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void debugShowsTheStackTrace() {
        CliRun r = withBoom(true);
        assertThat(r.code()).isEqualTo(70);
        assertThat(r.err()).startsWith("fleetwarden: internal error: the index is corrupt\n")
                .contains("java.lang.IllegalStateException").contains("\tat ");
    }

    @Test
    void anUnknownOptionOrValueIsAUsageError() {
        CliRun r = cli("verify", "oci://ghcr.io/acme/app:latest", "--no-such-flag");
        assertThat(r.code()).isEqualTo(64);
        assertThat(r.err()).contains("Unknown option: '--no-such-flag'");
        CliRun output = cli("verify", "oci://ghcr.io/acme/app:latest", "--certificate-identity", "x",
                "--certificate-oidc-issuer", "y", "-o", "yaml");
        assertThat(output.code()).isEqualTo(64);
        assertThat(output.err()).isEqualTo("fleetwarden verify: -o: expected text or json, got \"yaml\"\n");
    }

    private Path bundle() {
        try {
            Path b = dir.resolve("bundle.sigstore.json");
            return Files.exists(b) ? b : Files.writeString(b, "{}");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean unresolvable(String host) {
        try {
            InetAddress.getByName(host);
            return false;
        } catch (UnknownHostException e) {
            return true;
        }
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
