package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.Map;

@PreserveUnknownFields // unknown fields reach the policy webhook, which refuses them (see ArtifactPolicySpec)
public class TagRefBindingSpec {

    @JsonPropertyDescription("Bind the artifact tag to the signing ref. Default true.")
    public Boolean enabled;

    @JsonPropertyDescription("Floating tags and the ref pattern that may sign them ({component} is the repository's "
            + "last path segment). Default: latest: refs/heads/main, latest-stable: refs/tags/{component}/*")
    public Map<String, String> floatingTags;
}
