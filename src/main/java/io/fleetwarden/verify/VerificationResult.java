package io.fleetwarden.verify;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.policy.SignerIdentity;
import java.util.List;
import java.util.Set;

/**
 * The outcome of verifying one artifact. Three outcomes, never conflated: a policy may only deny on
 * {@link NotVerified}; {@link Unavailable} means we could not decide (registry down, timeout) and callers
 * must fail closed with a reason that says so, and may retry.
 */
public sealed interface VerificationResult {

    /** The digest the verdict is about; null only when the tag could not even be resolved. */
    Digest digest();

    /**
     * Verified: at least one signature passed every check for at least one authority.
     *
     * @param authority name of the authority that accepted it
     * @param signature which signature (label) passed
     * @param skipped listed signatures that could not be read or parsed and were passed over (reported, not fatal)
     */
    record Verified(Digest digest, SignerIdentity signer, String authority, String signature, Set<Evidence> evidence,
            List<String> skipped) implements VerificationResult {
        public Verified {
            evidence = Set.copyOf(evidence);
            skipped = List.copyOf(skipped);
        }

        public Verified(Digest digest, SignerIdentity signer, String authority, String signature, Set<Evidence> evidence) {
            this(digest, signer, authority, signature, evidence, List.of());
        }
    }

    /** Not verified: every failed check of every signature considered. Definitive for this digest. */
    record NotVerified(Digest digest, List<CheckFailure> failures) implements VerificationResult {
        public NotVerified {
            failures = List.copyOf(failures);
        }

        /** One line for a person: the first failure of each signature, most telling first. */
        public String summary() {
            StringBuilder sb = new StringBuilder();
            for (CheckFailure f : failures) {
                if (sb.length() > 0) {
                    sb.append("; ");
                }
                sb.append(f);
            }
            return sb.toString();
        }
    }

    /** Infrastructure failure: the registry or a deadline stopped us before a verdict. Not a denial reason. */
    record Unavailable(Digest digest, String reason) implements VerificationResult {
    }
}
