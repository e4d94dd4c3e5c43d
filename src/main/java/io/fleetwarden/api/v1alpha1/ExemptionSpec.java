package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;

/** All three fields are required: an exemption is one identity doing named things, never a namespace. */
@PreserveUnknownFields // unknown fields reach the policy webhook, which refuses them (see ArtifactPolicySpec)
public class ExemptionSpec {

    @JsonPropertyDescription("Exact username, e.g. system:serviceaccount:flux-system:source-controller.")
    public String username;

    @JsonPropertyDescription("CREATE, UPDATE and/or DELETE.")
    public List<String> operations;

    @JsonPropertyDescription("Kinds: OCIRepository, GitRepository, HelmRepository, Bucket, HelmChart, Kustomization, HelmRelease, "
            + "ResourceSet, Namespace.")
    public List<String> kinds;
}
