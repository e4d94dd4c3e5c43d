package io.fleetwarden.cli;

import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.policy.CompiledPolicy;
import io.fleetwarden.policy.PolicyCompiler;
import io.fleetwarden.verify.ArtifactVerifier;
import io.fleetwarden.verify.VerificationResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fleetwarden verify oci://REF}: resolve the tag, discover the signatures, verify them against
 * every policy that covers the artifact (or against identity flags) and print the verdict, judged as the gate
 * judges: by each policy's mode. Exit 0 when verified under every enforced covering policy (a Warn policy's
 * failure is printed with a warning; an Allow policy needs no signature), 1 when an enforced one is not
 * satisfied, 2 when a registry or the deadline prevented a decision.
 */
@Command(name = "verify", description = "Verify the cosign signatures of an OCI artifact against a policy.")
final class VerifyCommand implements Callable<Integer> {

    /** cosign's success line, printed after the verdicts when every covering policy's signature check passed. */
    static final String VERIFIED_OK = "Verified OK";

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "oci://REF", description = "Artifact reference: oci://registry/repo:tag or @sha256:...")
    String reference;

    @Option(names = "--policy", paramLabel = "FILE_OR_DIR", description = "ArtifactPolicy file or directory (repeatable).")
    List<Path> policy;

    @ArgGroup(exclusive = false)
    IdentityOptions identity = new IdentityOptions();

    @Mixin
    RegistryOptions registryOptions;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT", description = "text (the "
            + "default) or json (one JSON document, without the \"Verified OK\" line).")
    String output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!"text".equals(output) && !"json".equals(output)) {
            throw CliFailure.usage("-o: expected text or json, got \"" + output + "\"");
        }
        OciReference ref;
        try {
            ref = OciReference.parse(reference);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }
        List<CompiledPolicy> policies = new ArrayList<>();
        if (!policies(ref, policies, err)) {
            return ExitCode.USAGE.code();
        }
        List<CompiledPolicy> covering = policies.stream().filter(p -> p.covers(ref)).toList();
        if (covering.isEmpty()) {
            err.println("fleetwarden verify: no policy covers oci://" + ref.repositoryName()
                    + " (sources of the loaded policies: " + policies.stream().flatMap(p -> p.sources().stream()).toList()
                    + "); an artifact no policy covers is denied");
            return ExitCode.REJECTED.code();
        }
        RegistryOptions.Services services = registryOptions.services();
        // As the gate: Allow policies require nothing, and are ignored when an Enforce or Warn policy also covers
        // the artifact; a Warn policy's failure is reported but does not fail the command.
        List<CompiledPolicy> required = covering.stream().filter(p -> p.mode() != CompiledPolicy.Mode.ALLOW).toList();
        List<VerdictPrinter.Verdict> verdicts = new ArrayList<>();
        if (required.isEmpty()) {
            covering.forEach(p -> verdicts.add(new VerdictPrinter.Verdict(p.name(), p.mode(), ref,
                    new VerdictPrinter.NotRequired())));
        } else {
            ArtifactVerifier verifier = new ArtifactVerifier(services.registry(), services.signatures());
            Deadline deadline = Deadline.after(registryOptions.timeout());
            for (CompiledPolicy p : required) {
                verdicts.add(new VerdictPrinter.Verdict(p.name(), p.mode(), ref, new VerdictPrinter.Checked(
                        verifier.verify(ref, p.authorities(), deadline))));
            }
        }
        if ("json".equals(output)) {
            VerdictPrinter.json(out, verdicts);
        } else {
            VerdictPrinter.text(out, verdicts);
            if (verdicts.stream().allMatch(VerifyCommand::verified)) {
                out.println(VERIFIED_OK);
            }
        }
        return exitCode(verdicts).code();
    }

    private static boolean verified(VerdictPrinter.Verdict v) {
        return v.outcome() instanceof VerdictPrinter.Checked c && c.result() instanceof VerificationResult.Verified;
    }

    /** Loads the policies, or prints every problem with them and returns false. */
    private boolean policies(OciReference ref, List<CompiledPolicy> into, PrintWriter err) {
        if ((policy == null) == !identity.given()) {
            err.println("fleetwarden verify: give either --policy FILE_OR_DIR or identity flags "
                    + "(--certificate-identity[-regexp] with --certificate-oidc-issuer[-regexp], or --key)");
            return false;
        }
        if (policy != null) {
            PolicySource.Loaded loaded = PolicySource.load(policy, Uncovered.DENY);
            if (!loaded.errors().isEmpty()) {
                loaded.errors().forEach(e -> err.println("fleetwarden verify: " + e));
                return false;
            }
            into.addAll(loaded.snapshot().policies());
            return true;
        }
        var result = PolicyCompiler.compile("command line", identity.toSpec("oci://" + ref.repositoryName()));
        if (result instanceof PolicyCompiler.Invalid invalid) {
            invalid.violations().forEach(v -> err.println("fleetwarden verify: "
                    + IdentityOptions.flag(v.path()).map(f -> f + ": ").orElse("") + v.message()));
            return false;
        }
        into.add(((PolicyCompiler.Compiled) result).policy());
        return true;
    }

    /** 1 when an enforced policy is not satisfied, else 2 when one could not be decided, else 0 (Warn never fails). */
    private static ExitCode exitCode(List<VerdictPrinter.Verdict> verdicts) {
        boolean unavailable = false;
        for (VerdictPrinter.Verdict v : verdicts) {
            if (!v.enforced() || !(v.outcome() instanceof VerdictPrinter.Checked c)) {
                continue;
            }
            if (c.result() instanceof VerificationResult.NotVerified) {
                return ExitCode.REJECTED;
            }
            unavailable |= c.result() instanceof VerificationResult.Unavailable;
        }
        return unavailable ? ExitCode.UNAVAILABLE : ExitCode.OK;
    }
}
