package io.fleetwarden.testing.sigstore;

import io.fleetwarden.policy.SignerIdentity;
import java.util.Map;

/**
 * Who the local Fulcio certifies: the single SAN, the OIDC issuer and the other Sigstore OIDC extensions
 * (arc 1.3.6.1.4.1.57264.1). {@link #expected()} is what a verifier should read back from the certificate.
 */
public sealed interface Identity permits GithubIdentity, EmailIdentity {

    String ARC = "1.3.6.1.4.1.57264.1.";

    String issuer();

    String subjectAlternativeName();

    /** true: the SAN is an rfc822Name (email); false: a URI. */
    boolean sanIsEmail();

    /** DER UTF8String extensions other than the issuer, OID to value, in certificate order. */
    Map<String, String> extensions();

    SignerIdentity expected();

    static GithubIdentity.Builder github() {
        return GithubIdentity.builder();
    }

    static EmailIdentity email(String issuer, String email) {
        return new EmailIdentity(issuer, email);
    }
}
