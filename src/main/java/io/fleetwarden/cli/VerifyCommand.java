package io.fleetwarden.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code fleetwarden verify oci://REF}: resolve, discover, verify, print the verdict. */
@Command(name = "verify", description = "Verify the cosign signatures of an OCI artifact against a policy.")
final class VerifyCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
