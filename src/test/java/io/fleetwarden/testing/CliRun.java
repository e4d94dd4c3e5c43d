package io.fleetwarden.testing;

import io.fleetwarden.cli.FleetwardenCli;
import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the CLI, as a user's shell would see it: its exit code, standard output and error. */
public record CliRun(int code, String out, String err) {

    public static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FleetwardenCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new CliRun(code, out.toString(), err.toString());
    }
}
