package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

/**
 * A Fulcio identity. Regular expressions use Go RE2 syntax and must match the whole value (they are
 * anchored, unlike Flux's matchOIDCIdentity).
 */
@PreserveUnknownFields // unknown fields reach the policy webhook, which refuses them (see ArtifactPolicySpec)
public class KeylessSpec {

    @JsonPropertyDescription("OIDC issuer, exact, e.g. https://token.actions.githubusercontent.com")
    public String issuer;

    @JsonPropertyDescription("OIDC issuer as an RE2 regular expression matching the whole issuer")
    public String issuerRegExp;

    @JsonPropertyDescription("Certificate subject (SAN), exact")
    public String subject;

    @JsonPropertyDescription("Certificate subject as an RE2 regular expression matching the whole subject")
    public String subjectRegExp;

    public GithubSpec github;

    public TagRefBindingSpec tagRefBinding;
}
