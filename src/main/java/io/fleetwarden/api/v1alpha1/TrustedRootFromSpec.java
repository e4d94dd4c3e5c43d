package io.fleetwarden.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.PreserveUnknownFields;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A custom Sigstore trusted root kept in the cluster: exactly one of {@code configMapKeyRef} or
 * {@code secretKeyRef}. ArtifactPolicy is cluster-scoped, so the object cannot live "next to" it; like
 * cert-manager's ClusterIssuer and its cluster resource namespace, it lives in fleetwarden's own namespace,
 * the only one whose ConfigMaps and Secrets fleetwarden may list.
 */
@PreserveUnknownFields // unknown fields reach the policy webhook, which refuses them (see ArtifactPolicySpec)
@ValidationRule(value = "has(self.configMapKeyRef) != has(self.secretKeyRef)",
        message = "exactly one of configMapKeyRef or secretKeyRef")
public class TrustedRootFromSpec {

    @JsonPropertyDescription("A ConfigMap in fleetwarden's namespace (flux-system by default) carrying the label "
            + "fleetwarden.io/trusted-root, and the key holding the trusted_root.json.")
    public TrustedRootKeyRef configMapKeyRef;

    @JsonPropertyDescription("A Secret in fleetwarden's namespace (flux-system by default) carrying the label "
            + "fleetwarden.io/trusted-root, and the key holding the trusted_root.json.")
    public TrustedRootKeyRef secretKeyRef;
}
