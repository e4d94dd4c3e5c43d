package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;

@PreserveUnknownFields // unknown fields reach the policy webhook, which refuses them (see ArtifactPolicySpec)
public class PlatformIdentitiesSpec {

    @JsonPropertyDescription("Exact usernames, e.g. system:serviceaccount:flux-system:flux-operator. Default: "
            + "flux-system's flux-operator and kustomize-controller service accounts.")
    public List<String> usernames;

    @JsonPropertyDescription("Exact group names, e.g. system:masters. Default [system:masters].")
    public List<String> groups;
}
