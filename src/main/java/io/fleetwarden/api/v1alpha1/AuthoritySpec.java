package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** Exactly one of {@code keyless} or {@code key}. */
@ValidationRule(value = "has(self.keyless) != has(self.key)", message = "exactly one of keyless or key")
public class AuthoritySpec {

    @JsonPropertyDescription("Name used in messages; defaults to authorities[<index>].")
    public String name;

    public KeylessSpec keyless;

    public KeySpec key;

    @JsonPropertyDescription("Trusted root (Fulcio CAs, Rekor and CT logs): public-good (default, embedded) or the "
            + "name of a loaded custom root.")
    public String trustedRoot;

    @JsonPropertyDescription("in-toto predicate type a bundle signature must carry; default "
            + "https://sigstore.dev/cosign/sign/v1 (legacy .sig signatures have none).")
    public String predicateType;
}
