package io.fleetwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;

/**
 * cosign's flag names work where our option means exactly what cosign's does, and only there. (That they verify is
 * VerifyCommandTest#cosignFlagNamesVerifyAndTheSuccessLineIsCosigns.)
 */
class CosignFlagsTest {

    static CommandSpec command(String name) {
        return FleetwardenCli.commandLine().getSubcommands().get(name).getCommandSpec();
    }

    @Test
    void cosignNamesAreAliasesOfOurOptions() {
        CommandSpec verify = command("verify");
        assertThat(verify.findOption("--certificate-github-workflow-repository"))
                .isSameAs(verify.findOption("--github-repository"));
        assertThat(verify.findOption("--certificate-github-workflow-ref")).isSameAs(verify.findOption("--github-ref"));
        for (String same : new String[] {"--certificate-identity", "--certificate-identity-regexp",
            "--certificate-oidc-issuer", "--certificate-oidc-issuer-regexp", "--key", "--trusted-root",
            "--certificate-github-workflow-trigger"}) {
            assertThat(verify.findOption(same)).as(same).isNotNull();
        }
        CommandSpec verifyBundle = command("verify-bundle");
        for (String same : new String[] {"--bundle", "--key", "--trusted-root", "--certificate-identity",
            "--certificate-oidc-issuer"}) {
            assertThat(verifyBundle.findOption(same)).as(same).isNotNull();
        }
    }

    /**
     * cosign's workflow name is the run's display name (extension .1.4), ours is the workflow file; we read no
     * commit-SHA constraint. Neither gets cosign's name, which would promise a check we do not make.
     */
    @Test
    void flagsWithoutAnExactEquivalentAreNotAccepted() {
        CommandSpec verify = command("verify");
        assertThat(verify.findOption("--certificate-github-workflow-name")).isNull();
        assertThat(verify.findOption("--certificate-github-workflow-sha")).isNull();
    }

    /** An identity flag describes a policy of its own: beside --policy it would be ignored, so it is refused. */
    @Test
    void anIdentityFlagBesidePolicyIsAUsageError() {
        StringWriter err = new StringWriter();
        int code = FleetwardenCli.run(new String[] {"verify", "oci://ghcr.io/controlplaneio-fluxcd/d2-apps/frontend:latest",
            "--policy", "policies/staging", "--certificate-github-workflow-trigger", "push"},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(code).isEqualTo(64);
        assertThat(err.toString()).contains("give either --policy FILE_OR_DIR or identity flags");
    }
}
