package io.fleetwarden.api.v1alpha1;

import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.kubernetes.client.CustomResource;

/**
 * Cluster-scoped: which OCI sources must be signed by whom. Kept as a file in the fleet's Git repository
 * ({@code policies/}), applied by Flux, loaded by every fleetwarden replica and by the CLI.
 */
@Group("fleetwarden.io")
@Version("v1alpha1")
@Kind("ArtifactPolicy")
@Plural("artifactpolicies")
public class ArtifactPolicy extends CustomResource<ArtifactPolicySpec, PolicyStatus> {
}
