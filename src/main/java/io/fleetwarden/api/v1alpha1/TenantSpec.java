package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Exactly one of {@code namespaces} or {@code namespaceSelector}. */
public class TenantSpec {

    @JsonPropertyDescription("Name used in messages; defaults to tenants[<index>].")
    public String name;

    @JsonPropertyDescription("Tenant namespaces by exact name.")
    public List<String> namespaces;

    @JsonPropertyDescription("Tenant namespaces by label selector; {} selects every tenant namespace.")
    public LabelSelectorSpec namespaceSelector;

    @JsonPropertyDescription("Source URLs the tenant's OCIRepository, GitRepository and HelmRepository objects "
            + "may use, as patterns where * matches any run of characters, e.g. oci://ghcr.io/acme/apps/* or "
            + "https://github.com/acme/*. The host must be literal.")
    public List<String> sources;

    @JsonPropertyDescription("Namespaces, besides the object's own, that the tenant's Kustomizations and "
            + "HelmReleases may target (targetNamespace, storageNamespace). Default: none (own namespace only).")
    public List<String> targetNamespaces;

    @JsonPropertyDescription("Overrides the policy's defaultServiceAccount for this tenant.")
    public String defaultServiceAccount;
}
