package io.fleetwarden.render;

import java.util.Set;

/**
 * The kinds kustomize knows to be cluster-scoped (its embedded Kubernetes OpenAPI). Every other kind, custom
 * ones such as ClusterIssuer included, is namespaceable to kustomize: the namespace transformer stamps it.
 * Deliberately not the tenancy package's broader list, since here we must do what kustomize does.
 */
final class ClusterScope {

    private static final Set<String> KINDS = Set.of("APIService", "CertificateSigningRequest", "ClusterRole",
            "ClusterRoleBinding", "ComponentStatus", "CSIDriver", "CSINode", "CustomResourceDefinition",
            "FlowSchema", "IngressClass", "MutatingWebhookConfiguration", "Namespace", "Node", "PersistentVolume",
            "PodSecurityPolicy", "PriorityClass", "PriorityLevelConfiguration", "RuntimeClass", "StorageClass",
            "TokenReview", "SubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview",
            "ValidatingWebhookConfiguration", "VolumeAttachment");

    private ClusterScope() {
    }

    static boolean isClusterScoped(String kind) {
        return KINDS.contains(kind);
    }
}
