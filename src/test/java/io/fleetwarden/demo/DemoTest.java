package io.fleetwarden.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.cli.FleetwardenCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demo's narrated scenario, with the CLI in-process: every step must end as narrated. */
class DemoTest {

    @Test
    void everyStepEndsAsNarrated() throws Exception {
        List<String> said = new ArrayList<>();
        int failed = Demo.run(args -> {
            StringWriter out = new StringWriter();
            int code = FleetwardenCli.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(out));
            return new Demo.Result(code, out.toString());
        }, said::add);
        String transcript = String.join("\n", said);
        assertThat(failed).as(transcript).isZero();
        assertThat(transcript).contains("VERIFIED oci://", "WORKFLOW [referrer", "SIGNATURE_PRESENT [artifact]")
                .contains("LEGACY_SIGNATURE_TAG");
    }
}
