package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.ValidationRule;

/** Exactly one of {@code keyless} or {@code key}; at most one of {@code trustedRoot} or {@code trustedRootFrom}. */
@PreserveUnknownFields // unknown fields reach the policy webhook, which refuses them (see ArtifactPolicySpec)
@ValidationRule(value = "has(self.keyless) != has(self.key)", message = "exactly one of keyless or key")
@ValidationRule(value = "!(has(self.trustedRoot) && has(self.trustedRootFrom))",
        message = "set trustedRoot or trustedRootFrom, not both")
public class AuthoritySpec {

    @JsonPropertyDescription("Name used in messages; defaults to authorities[<index>].")
    public String name;

    public KeylessSpec keyless;

    public KeySpec key;

    @JsonPropertyDescription("Trusted root (Fulcio CAs, Rekor and CT logs): public-good (default, embedded) or the "
            + "name of a root loaded from a file at start. Not together with trustedRootFrom.")
    public String trustedRoot;

    @JsonPropertyDescription("A custom trusted root kept in a ConfigMap or Secret in fleetwarden's own namespace "
            + "(the namespace fleetwarden runs in, flux-system by default; ArtifactPolicy is cluster-scoped), "
            + "labelled fleetwarden.io/trusted-root. Loaded and reloaded live; while it is missing or invalid, "
            + "this authority accepts no signature. Not together with trustedRoot.")
    public TrustedRootFromSpec trustedRootFrom;

    @JsonPropertyDescription("in-toto predicate type a bundle signature must carry; default "
            + "https://sigstore.dev/cosign/sign/v1 (legacy .sig signatures have none).")
    public String predicateType;
}
