package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;
import java.util.Map;

/** A Kubernetes label selector (our own type so that a misspelt field is an error, not ignored). */
@PreserveUnknownFields // unknown fields reach the policy webhook, which refuses them (see ArtifactPolicySpec)
public class LabelSelectorSpec {

    @JsonPropertyDescription("Labels that must be present with exactly these values.")
    public Map<String, String> matchLabels;

    public List<LabelSelectorRequirementSpec> matchExpressions;
}
