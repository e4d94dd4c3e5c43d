package io.fleetwarden.policy;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.List;

/**
 * What an {@code OCIRepository}'s {@code spec.verify} tells source-controller to accept, matched exactly
 * as Flux matches it: Go RE2, <b>unanchored</b> ({@code regexp.MatchString}), an identity passes when its
 * issuer and subject patterns both match somewhere in the certificate's values.
 *
 * @param provider   {@code cosign}, {@code notation}, or null when {@code spec.verify} is absent
 * @param identities {@code matchOIDCIdentity}; empty when absent
 * @param keyRef     {@code secretRef.name}: key-based verification; null for keyless
 */
public record FluxVerifySpec(String provider, List<Identity> identities, String keyRef) {

    public FluxVerifySpec {
        identities = identities == null ? List.of() : List.copyOf(identities);
    }

    /** One {@code matchOIDCIdentity} entry, as written. */
    public record Identity(String issuer, String subject) {

        /** Whether Flux would accept a certificate with this issuer and subject; false for invalid patterns. */
        public boolean accepts(String certIssuer, String certSubject) {
            return find(issuer, certIssuer) && find(subject, certSubject);
        }

        private static boolean find(String pattern, String value) {
            if (pattern == null || value == null) {
                return false;
            }
            try {
                return Pattern.compile(pattern).matcher(value).find();
            } catch (PatternSyntaxException e) {
                return false;
            }
        }
    }

    public boolean accepts(String certIssuer, String certSubject) {
        return identities.stream().anyMatch(i -> i.accepts(certIssuer, certSubject));
    }
}
