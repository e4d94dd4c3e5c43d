package io.fleetwarden.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Cluster-scoped: who is a tenant, what a tenant's Flux objects may reference, and who may change that.
 * Kept next to the {@link ArtifactPolicy} files in the fleet's Git repository. Without one, fleetwarden
 * refuses every Flux object in a tenant namespace (namespaces labelled {@code toolkit.fluxcd.io/role: tenant}):
 * what tenants may use is never assumed. At most one may exist.
 *
 * <p>{@code kubectl get tenancypolicies} shows Ready and Age, {@code -o wide} adds Status (the Ready condition's
 * message: the policy in force, or why not).
 */
@Group("fleetwarden.io")
@Version("v1alpha1")
@Kind("TenancyPolicy")
@Plural("tenancypolicies")
@AdditionalPrinterColumn(name = "Ready", jsonPath = PolicyStatus.READY_STATUS, type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Status", jsonPath = PolicyStatus.READY_MESSAGE, type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class TenancyPolicy extends CustomResource<TenancyPolicySpec, PolicyStatus> {
}
