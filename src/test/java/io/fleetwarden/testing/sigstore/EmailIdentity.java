package io.fleetwarden.testing.sigstore;

import io.fleetwarden.policy.SignerIdentity;
import java.util.Map;
import java.util.Objects;

/** A person signing interactively: an email SAN and the OIDC issuer that vouched for it. */
public record EmailIdentity(String issuer, String email) implements Identity {

    public EmailIdentity {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(email, "email");
    }

    @Override
    public String subjectAlternativeName() {
        return email;
    }

    @Override
    public boolean sanIsEmail() {
        return true;
    }

    @Override
    public Map<String, String> extensions() {
        return Map.of();
    }

    @Override
    public SignerIdentity expected() {
        return new SignerIdentity(issuer, email, null, null, null, null, null, null, null, null);
    }
}
