package io.fleetwarden.verify.cosign;

import dev.sigstore.KeylessVerifier;
import dev.sigstore.fulcio.client.FulcioVerifier;
import dev.sigstore.rekor.client.RekorVerifier;
import dev.sigstore.timestamp.client.TimestampVerifier;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import java.security.GeneralSecurityException;

/**
 * One loaded trusted root with the sigstore-java verifiers built from it. Building a {@link KeylessVerifier}
 * parses every CA and key of the root and costs tens of milliseconds, so it happens once per root, when the
 * root is loaded; a root whose keys do not parse fails there, not on the first admission request.
 */
record LoadedRoot(String name, SigstoreTrustedRoot root, KeylessVerifier keyless, FulcioVerifier fulcio,
        RekorVerifier rekor, TimestampVerifier timestamps, VerifiedChains chains) {

    static LoadedRoot build(String name, SigstoreTrustedRoot root) {
        try {
            KeylessVerifier keyless = KeylessVerifier.builder().trustedRootProvider(() -> root).build();
            return new LoadedRoot(name, root, keyless, FulcioVerifier.newFulcioVerifier(root),
                    RekorVerifier.newRekorVerifier(root), TimestampVerifier.newTimestampVerifier(root),
                    new VerifiedChains());
        } catch (GeneralSecurityException | dev.sigstore.trustroot.SigstoreConfigurationException
                | RuntimeException e) {
            throw new TrustedRootException("trusted root \"" + name + "\" has keys or certificates that cannot be used: "
                    + e.getMessage(), e);
        }
    }
}
