package io.fleetwarden.verify;

import io.fleetwarden.policy.SignerIdentity;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The cryptographic verdict on one signature (legacy {@code .sig} layer or Sigstore bundle), before any
 * identity policy is applied: either every piece of evidence held and we know who signed and when, or the
 * list of checks that failed.
 */
public sealed interface SignatureVerdict {

    /** Label of the signature this verdict is about, e.g. {@code "legacy sha256-….sig layer 0"}. */
    String signature();

    /**
     * @param signedAt      the trusted signing time (Rekor integrated time or RFC 3161 time); null for
     *                      key-based signatures without log evidence
     * @param predicateType the in-toto predicate type of a DSSE bundle; null for message signatures and
     *                      legacy simple-signing payloads
     */
    record Valid(String signature, SignerIdentity signer, Set<Evidence> evidence, Instant signedAt,
            String predicateType) implements SignatureVerdict {
        public Valid {
            evidence = Set.copyOf(evidence);
        }
    }

    record Invalid(String signature, List<CheckFailure> failures) implements SignatureVerdict {
        public Invalid {
            if (failures.isEmpty()) {
                throw new IllegalArgumentException("an invalid signature needs at least one failed check");
            }
            failures = List.copyOf(failures);
        }
    }
}
