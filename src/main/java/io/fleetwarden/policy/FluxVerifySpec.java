package io.fleetwarden.policy;

import java.util.List;

/**
 * What an {@code OCIRepository}'s {@code spec.verify} tells source-controller to accept. Flux matches each
 * {@code matchOIDCIdentity} entry as Go RE2, <b>unanchored</b> ({@code regexp.MatchString}): an identity
 * passes when its issuer and subject patterns both match somewhere in the certificate's values.
 * {@link SpecPolicy} decides what the patterns accept.
 *
 * @param provider   {@code cosign}, {@code notation}, or null when {@code spec.verify} is absent
 * @param identities {@code matchOIDCIdentity}; empty when absent
 * @param keyRef     {@code secretRef.name}: key-based verification; null for keyless
 * @param trustedRootSecretRef {@code trustedRootSecretRef.name}: a Sigstore trusted root supplied by the
 *                   object's namespace; null for the controller's own
 */
public record FluxVerifySpec(String provider, List<Identity> identities, String keyRef, String trustedRootSecretRef) {

    public FluxVerifySpec {
        identities = identities == null ? List.of() : List.copyOf(identities);
    }

    public FluxVerifySpec(String provider, List<Identity> identities, String keyRef) {
        this(provider, identities, keyRef, null);
    }

    /**
     * One {@code matchOIDCIdentity} entry, as written (not compiled here: a pattern is read only after its
     * size has been bounded, by the spec check).
     *
     * @param issuer  null when absent
     * @param subject null when absent
     */
    public record Identity(String issuer, String subject) {
    }
}
