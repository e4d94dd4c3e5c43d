package io.fleetwarden.verify;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Descriptor;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.policy.Authority;
import java.util.List;

/**
 * Verifies one OCI artifact against a list of authorities (any one may accept), in order: resolve the
 * tag or digest, discover signatures, verify each cryptographically, then hold the signer to each
 * authority. The same steps serve admission, the CLI and (later) the reconciler's re-verification by
 * digest.
 *
 * <p>Three outcomes are kept apart on purpose: {@link VerificationResult.NotVerified} is a definitive
 * answer about this digest; {@link VerificationResult.Unavailable} means the registry or the deadline
 * stopped us, and a gate must fail closed with a reason that says so rather than report a policy
 * violation.
 */
public final class ArtifactVerifier {

    private final RegistryClient registry;
    private final SignatureDiscovery discovery;
    private final SignatureJudge judge;

    public ArtifactVerifier(RegistryClient registry, SignatureVerifier signatures) {
        this.registry = registry;
        this.discovery = new SignatureDiscovery(registry);
        this.judge = new SignatureJudge(signatures);
    }

    public VerificationResult verify(OciReference ref, List<Authority> authorities, Deadline deadline) {
        Digest digest = ref.digest();
        try {
            Descriptor resolved = registry.resolve(ref, deadline);
            if (digest != null && !digest.equals(resolved.digest())) {
                return notVerified(digest, Check.ARTIFACT_FOUND, ref + " resolves to " + resolved.digest());
            }
            digest = resolved.digest();
            return discoverAndJudge(ref, digest, authorities, deadline);
        } catch (RegistryException e) {
            return failed(ref, digest, e);
        }
    }

    /**
     * As {@link #verify}, for a reference whose digest the caller resolved itself just now (the admission gate
     * resolves the tag on every review): the registry is not asked again, which saves a cold review a round trip.
     *
     * @throws IllegalArgumentException when {@code ref} has no digest
     */
    public VerificationResult verifyResolved(OciReference ref, List<Authority> authorities, Deadline deadline) {
        if (ref.digest() == null) {
            throw new IllegalArgumentException("verifyResolved needs a reference with a digest, got " + ref);
        }
        try {
            return discoverAndJudge(ref, ref.digest(), authorities, deadline);
        } catch (RegistryException e) {
            return failed(ref, ref.digest(), e);
        }
    }

    private VerificationResult discoverAndJudge(OciReference ref, Digest digest, List<Authority> authorities,
            Deadline deadline) throws RegistryException {
        SignatureDiscovery.Found found = discovery.discover(ref, digest, deadline);
        if (found.signatures().isEmpty() && found.unreadable()) {
            return new VerificationResult.Unavailable(digest, "no signature could be read: "
                    + String.join("; ", found.skipped()));
        }
        if (found.signatures().isEmpty()) {
            String skipped = found.skipped().isEmpty() ? "" : " (skipped: " + String.join("; ", found.skipped()) + ")";
            return notVerified(digest, Check.SIGNATURE_PRESENT, "no cosign signature found for " + digest
                    + ": neither a Sigstore bundle referrer nor the legacy tag " + digest.asTagPrefix() + ".sig"
                    + skipped);
        }
        VerificationResult judged = judge.judge(ref, digest, found.signatures(), authorities);
        if (judged instanceof VerificationResult.Verified v && !found.skipped().isEmpty()) {
            return new VerificationResult.Verified(v.digest(), v.signer(), v.authority(), v.signature(), v.evidence(),
                    found.skipped());
        }
        if (judged instanceof VerificationResult.NotVerified && found.unreadable()) {
            // A signature we could not read might have been the valid one: undecided, not "not signed".
            return new VerificationResult.Unavailable(digest, "no signature verified and some could not be read: "
                    + String.join("; ", found.skipped()));
        }
        return judged;
    }

    private static VerificationResult failed(OciReference ref, Digest digest, RegistryException e) {
        if (e.isNotFound() && digest == null) {
            return notVerified(null, Check.ARTIFACT_FOUND, ref + " was not found: " + e.getMessage());
        }
        if (e.isNotFound()) {
            return notVerified(digest, Check.ARTIFACT_FOUND, "artifact content missing: " + e.getMessage());
        }
        return new VerificationResult.Unavailable(digest, e.kind().name().toLowerCase() + ": " + e.getMessage());
    }

    private static VerificationResult notVerified(Digest digest, Check check, String message) {
        return new VerificationResult.NotVerified(digest, List.of(new CheckFailure(check, "artifact", message)));
    }

}
