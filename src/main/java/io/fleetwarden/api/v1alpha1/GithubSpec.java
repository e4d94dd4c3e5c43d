package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;

/** GitHub Actions claims carried in the Fulcio certificate's extensions. */
@PreserveUnknownFields // unknown fields reach the policy webhook, which refuses them (see ArtifactPolicySpec)
public class GithubSpec {

    @JsonPropertyDescription("OWNER/REPO (or https://github.com/OWNER/REPO) the signing workflow ran in")
    public String repository;

    @JsonPropertyDescription("Workflow file of the run, e.g. .github/workflows/push-artifact.yaml")
    public String workflow;

    @JsonPropertyDescription("Allowed git refs, * matches any run: refs/heads/main, refs/tags/*")
    public List<String> refs;

    @JsonPropertyDescription("Allowed events that started the run, e.g. push")
    public List<String> buildTriggers;

    @JsonPropertyDescription("github-hosted or self-hosted")
    public String runnerEnvironment;
}
