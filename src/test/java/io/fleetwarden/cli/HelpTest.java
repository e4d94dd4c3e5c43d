package io.fleetwarden.cli;

import io.fleetwarden.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Asking for help is never an error: usage on stdout, nothing on stderr, exit 0, on every command. */
class HelpTest {


    static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    /** Every command path of the tree, e.g. [verify], [build, kustomization]; walked, so a new command is covered. */
    static Stream<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        collect(FleetwardenCli.commandLine(), new ArrayList<>(), paths);
        return paths.stream();
    }

    private static void collect(CommandLine c, List<String> path, List<List<String>> into) {
        if (!path.isEmpty()) {
            into.add(List.copyOf(path));
        }
        c.getSubcommands().forEach((name, sub) -> {
            if (name.equals(sub.getCommandName())) { // not again under an alias (build rset)
                path.add(name);
                collect(sub, path, into);
                path.remove(path.size() - 1);
            }
        });
    }

    @ParameterizedTest
    @MethodSource("commandPaths")
    void dashDashHelpAndDashHPrintUsageAndExitZero(List<String> path) {
        for (String flag : List.of("--help", "-h")) {
            List<String> args = new ArrayList<>(path);
            args.add(flag);
            CliRun r = cli(args.toArray(String[]::new));
            assertThat(r.code()).as(args + ": " + r.err()).isZero();
            assertThat(r.err()).as(args.toString()).isEmpty();
            assertThat(r.out()).as(args.toString()).contains("Usage: fleetwarden " + String.join(" ", path) + " ");
        }
    }

    @Test
    void theTreeHasTheDocumentedCommands() {
        assertThat(commandPaths().map(p -> String.join(" ", p))).contains("verify", "verify-bundle", "check",
                "test", "build", "build kustomization", "build resourceset", "diff", "diff kustomization", "help");
    }

    @Test
    void helpWithoutACommandPrintsTheTopLevelUsage() {
        CliRun r = cli("help");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Usage: fleetwarden").contains("verify", "verify-bundle", "check", "build", "diff");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void helpVerifyPrintsTheUsageOfVerify() {
        CliRun r = cli("help", "verify");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Usage: fleetwarden verify").contains("--policy");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void helpForAnUnknownCommandIsAUsageError() {
        CliRun r = cli("help", "nosuch");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("nosuch");
    }

    @Test
    void theTopLevelHelpListsTheExitCodes() {
        CliRun r = cli("--help");
        assertThat(r.code()).isZero();
        String out = r.out().replaceAll("\\s+", " ");
        assertThat(out).contains("Exit codes:");
        for (ExitCode code : ExitCode.values()) {
            assertThat(out).contains(code.code() + " " + code.meaning());
        }
    }
}
