package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;

/** Exactly one of {@code namespaces} or {@code namespaceSelector}. */
@PreserveUnknownFields // unknown fields reach the policy webhook, which refuses them (see ArtifactPolicySpec)
public class TenantSpec {

    @JsonPropertyDescription("Name used in messages; defaults to tenants[<index>].")
    public String name;

    @JsonPropertyDescription("Tenant namespaces by exact name.")
    public List<String> namespaces;

    @JsonPropertyDescription("Tenant namespaces by label selector; {} selects every tenant namespace.")
    public LabelSelectorSpec namespaceSelector;

    @JsonPropertyDescription("Source URLs the tenant's OCIRepository, GitRepository, HelmRepository and Bucket "
            + "objects may use (a Bucket is judged as https://<endpoint>/<bucketName>, http:// when insecure), as patterns where * matches any run of characters, e.g. oci://ghcr.io/acme/apps/* or "
            + "https://github.com/acme/*. The host must be literal.")
    public List<String> sources;

    @JsonPropertyDescription("Git refs the tenant's GitRepository objects may follow, as full ref patterns where * "
            + "matches any run of characters (refs/heads/main, refs/tags/*), or HEAD for the default branch. A branch "
            + "is judged as refs/heads/<branch>, a tag as refs/tags/<tag>, a semver range needs refs/tags/*. Default "
            + "[HEAD, refs/heads/*, refs/tags/*]: never refs/pull/* or other refs a fork can write to unless listed.")
    public List<String> refs;

    @JsonPropertyDescription("Namespaces, besides the object's own, that the tenant's Kustomizations and "
            + "HelmReleases may target (targetNamespace, storageNamespace). Default: none (own namespace only).")
    public List<String> targetNamespaces;

    @JsonPropertyDescription("Overrides the policy's defaultServiceAccount for this tenant.")
    public String defaultServiceAccount;
}
