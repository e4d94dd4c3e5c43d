package io.fleetwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The first example of the README's CLI section runs as written (from the repository root, as a reader would): its
 * policy directory exists and covers the artifact, so the only thing that may stop it is the network. These machines
 * have no internet, so it ends "unavailable" there, with a message that says so; never a usage error.
 */
class ReadmeExampleTest {

    static String firstCliExample() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("\n## The CLI\n"));
        String block = section.substring(section.indexOf("\n```\n") + 5);
        return block.substring(0, block.indexOf('\n'));
    }

    @Test
    void theFirstExampleIsAValidInvocationThatOnlyTheNetworkCanStop() throws IOException {
        String example = firstCliExample();
        assertThat(example).startsWith("bin/fleetwarden verify ").doesNotContain("'").doesNotContain("\"");
        String[] args = Arrays.stream(example.split("\\s+")).skip(1).toArray(String[]::new);

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FleetwardenCli.run(args, new PrintWriter(out), new PrintWriter(err));

        assertThat(code).as(out + "" + err).isNotIn(ExitCode.USAGE.code(), ExitCode.INTERNAL_ERROR.code());
        assertThat(err.toString()).doesNotContain("no policy covers");
        assertThat(out.toString()).as(err.toString()).contains("(policy d2-apps-staging");
        if (code == ExitCode.UNAVAILABLE.code()) {
            assertThat(out.toString()).startsWith("UNAVAILABLE " + args[1]).contains("could not decide");
        }
    }
}
