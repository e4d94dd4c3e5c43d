package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;

@PreserveUnknownFields // unknown fields reach the policy webhook, which refuses them (see ArtifactPolicySpec)
public class KeySpec {

    @JsonPropertyDescription("PEM public key (cosign.pub)")
    public String publicKey;

    @JsonPropertyDescription("Require a transparency-log entry for key-based signatures. Default false.")
    public Boolean requireTlog;
}
