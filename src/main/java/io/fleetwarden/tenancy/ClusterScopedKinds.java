package io.fleetwarden.tenancy;

import java.util.Set;

/**
 * Kinds known to be cluster-scoped, for judging templates where no API discovery is at hand (a ResourceSet's
 * {@code resources} at admission). Kubernetes' built-in cluster-scoped kinds, the policy kinds of fleetwarden,
 * and, by convention, any kind named {@code Cluster…} (ClusterIssuer, ClusterPolicy, ClusterSecretStore, ...).
 * A custom cluster-scoped kind outside this list passes this static check; it is then refused by the tenant's
 * RBAC when applied (the ResourceSet runs as the tenant's service account) and by the reconciler's
 * {@link TenantManifestCheck}, which asks discovery.
 */
final class ClusterScopedKinds {

    private static final Set<String> KNOWN = Set.of("Namespace", "Node", "PersistentVolume", "ClusterRole",
            "ClusterRoleBinding", "CustomResourceDefinition", "APIService", "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
            "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "StorageClass", "CSIDriver", "CSINode",
            "VolumeAttachment", "VolumeAttributesClass", "PriorityClass", "RuntimeClass", "IngressClass",
            "PodSecurityPolicy", "CertificateSigningRequest", "ClusterTrustBundle", "FlowSchema",
            "PriorityLevelConfiguration", "ComponentStatus", "DeviceClass", "ResourceSlice", "IPAddress", "ServiceCIDR",
            "TokenReview", "SubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectReview",
            "ArtifactPolicy", "TenancyPolicy");

    private ClusterScopedKinds() {
    }

    static boolean isClusterScoped(String kind) {
        return KNOWN.contains(kind) || kind.startsWith("Cluster");
    }
}
