package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import java.util.List;

// Every object of the spec keeps fields the schema does not know (x-kubernetes-preserve-unknown-fields), so the
// API server never prunes them: a misspelt optional restriction (github.workfow) pruned away would leave a wider
// policy. They reach the policy webhook, whose strict reader refuses them with their path (docs/operations.md).
// CrdSchemaTest holds every object of both schemas to it.
@PreserveUnknownFields
public class TenancyPolicySpec {

    @JsonPropertyDescription("Namespaces that are never tenants, whatever their labels. Default [flux-system]; "
            + "list infra namespaces reconciled as cluster admin (e.g. cert-manager, monitoring) here too.")
    public List<String> platformNamespaces;

    @JsonPropertyDescription("Namespaces matching this label selector are tenants. Default "
            + "matchLabels {toolkit.fluxcd.io/role: tenant}. Namespaces named or selected by a tenants[] entry are "
            + "tenants too.")
    public LabelSelectorSpec tenantNamespaceSelector;

    @JsonPropertyDescription("Service account a tenant's Kustomization, HelmRelease and ResourceSet run as when "
            + "they name none; set on the object by the mutating webhook. Default flux.")
    public String defaultServiceAccount;

    @JsonPropertyDescription("Service account names a tenant object may never name, in addition to the Flux "
            + "controllers' own (kustomize-controller, helm-controller, source-controller, flux-operator, ...).")
    public List<String> reservedServiceAccounts;

    @JsonPropertyDescription("Tenants, first match wins: each names its namespaces or selects them, and says "
            + "which source URLs and target namespaces its objects may use.")
    public List<TenantSpec> tenants;

    @JsonPropertyDescription("Identities allowed to change tenancy labels on namespaces and to change a tenant "
            + "source's spec.verify. Exact names only.")
    public PlatformIdentitiesSpec platformIdentities;

    @JsonPropertyDescription("Narrow exemptions for the platform's own controllers: an exact username, the "
            + "operations and the kinds it may perform without tenancy checks.")
    public List<ExemptionSpec> exemptions;
}
