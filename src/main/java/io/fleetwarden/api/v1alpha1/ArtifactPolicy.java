package io.fleetwarden.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.kubernetes.client.CustomResource;

/**
 * Cluster-scoped: which OCI sources must be signed by whom. Kept as a file in the fleet's Git repository
 * ({@code policies/}), applied by Flux, loaded by every fleetwarden replica and by the CLI.
 *
 * <p>{@code kubectl get artifactpolicies} shows Mode (from the spec, defaulted to Enforce by the schema), Ready
 * and Age; {@code -o wide} adds Status, the Ready condition's message (Flux's columns, in Flux's order).
 */
@Group("fleetwarden.io")
@Version("v1alpha1")
@Kind("ArtifactPolicy")
@Plural("artifactpolicies")
@AdditionalPrinterColumn(name = "Ready", jsonPath = PolicyStatus.READY_STATUS, type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Status", jsonPath = PolicyStatus.READY_MESSAGE, type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ArtifactPolicy extends CustomResource<ArtifactPolicySpec, PolicyStatus> {
}
