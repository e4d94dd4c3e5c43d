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

    /**
     * One {@code matchOIDCIdentity} entry, as written. Its patterns are compiled once, when the entry is read:
     * a review probes them with hundreds of sample signers.
     */
    public record Identity(String issuer, String subject, Pattern issuerPattern, Pattern subjectPattern) {

        public Identity(String issuer, String subject) {
            this(issuer, subject, compile(issuer), compile(subject));
        }

        /** Whether Flux would accept a certificate with this issuer and subject; false for invalid patterns. */
        public boolean accepts(String certIssuer, String certSubject) {
            return find(issuerPattern, certIssuer) && find(subjectPattern, certSubject);
        }

        /** Entries are equal when written the same (compiled patterns have no equality of their own). */
        @Override
        public boolean equals(Object o) {
            return o instanceof Identity i && java.util.Objects.equals(issuer, i.issuer)
                    && java.util.Objects.equals(subject, i.subject);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(issuer, subject);
        }

        private static boolean find(Pattern pattern, String value) {
            return pattern != null && value != null && pattern.matcher(value).find();
        }

        /** Null for an absent or invalid pattern: Flux rejects such an object, and it accepts no signer. */
        private static Pattern compile(String pattern) {
            if (pattern == null) {
                return null;
            }
            try {
                return Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                return null;
            }
        }
    }

    public boolean accepts(String certIssuer, String certSubject) {
        return identities.stream().anyMatch(i -> i.accepts(certIssuer, certSubject));
    }
}
