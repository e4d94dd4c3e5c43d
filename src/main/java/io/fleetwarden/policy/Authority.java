package io.fleetwarden.policy;

import java.util.List;

/**
 * One way an artifact may be signed. A policy lists several; any one that accepts any signature admits
 * the artifact. Compiled from the policy document; immutable and shared across threads.
 */
public sealed interface Authority permits KeylessAuthority, KeyAuthority {

    /** The authority's name in the policy, for messages ({@code staging}, {@code authorities[0]}). */
    String name();

    /** Name of the trusted root whose logs (and CAs, for keyless) the evidence is checked against. */
    String trustedRoot();

    /** The in-toto predicate type a bundle must carry; cosign's signing predicate unless the policy says. */
    String predicateType();

    /**
     * Every claim of {@code signer} this authority does not accept, for an artifact referred to by
     * {@code tag} (null when referred to by digest only) in a repository whose last path segment is
     * {@code component}. Empty means accepted.
     */
    List<ClaimMismatch> mismatches(SignerIdentity signer, String tag, String component);

    String COSIGN_SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";
}
