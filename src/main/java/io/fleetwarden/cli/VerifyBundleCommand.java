package io.fleetwarden.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code fleetwarden verify-bundle}: the sigstore-conformance client protocol. */
@Command(name = "verify-bundle", description = "Verify a Sigstore bundle for a file or digest (sigstore-conformance protocol).")
final class VerifyBundleCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
