package io.fleetwarden.api.v1alpha1;

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
 */
@Group("fleetwarden.io")
@Version("v1alpha1")
@Kind("TenancyPolicy")
@Plural("tenancypolicies")
public class TenancyPolicy extends CustomResource<TenancyPolicySpec, PolicyStatus> {
}
