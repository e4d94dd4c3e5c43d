package io.fleetwarden.tenancy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Before the reconciler applies a tenant's built manifests: every object must be namespaced and inside the
 * tenant's allowed namespaces. Everything wrong is reported at once, before anything is applied; the apply
 * then impersonates the tenant's service account, so the cluster's RBAC remains the last line.
 *
 * <p>Scope comes from {@code isNamespacedKind} (API discovery), never from {@code metadata.namespace}:
 * kustomize's namespace transformer stamps a namespace onto cluster-scoped custom kinds it does not know
 * (a ClusterIssuer with {@code targetNamespace} set still is cluster-scoped). The predicate must be decided for
 * every kind it is asked about; unknown kinds are the caller's error to report before calling this.
 */
public final class TenantManifestCheck {

    private TenantManifestCheck() {
    }

    /**
     * Classifies {@code tenantNamespace} first: a platform namespace has no tenancy constraint (empty result),
     * an unknown one yields a single {@code namespace.unknown} violation.
     */
    public static List<TenancyViolation> check(TenancyRules rules, String tenantNamespace, NamespaceLabels labels,
            List<JsonNode> objects, Predicate<Gvk> isNamespacedKind) {
        NamespaceClass c = rules.classify(tenantNamespace, labels);
        if (c instanceof NamespaceClass.TenantNamespace && !rules.defined()) {
            return List.of(new TenancyViolation("policy.undefined", "metadata.namespace", rules.refusal()));
        }
        if (c instanceof NamespaceClass.TenantNamespace t) {
            return check(t.tenant(), tenantNamespace, objects, isNamespacedKind);
        }
        if (c instanceof NamespaceClass.Unknown) {
            return List.of(new TenancyViolation("namespace.unknown", "metadata.namespace", "the labels of namespace "
                    + Names.quote(tenantNamespace) + " are not known, so its tenant cannot be decided"));
        }
        return List.of();
    }

    /**
     * @param tenant the tenant {@link TenancyRules#classify} found for {@code tenantNamespace}
     * @param tenantNamespace the namespace of the tenant's Kustomization; objects without a namespace land
     *        there (kustomize-controller's default when no targetNamespace was stamped by the build)
     * @return every violation, field {@code objects[i] (<Kind> <namespace>/<name>)}; empty when all may be applied
     */
    public static List<TenancyViolation> check(Tenant tenant, String tenantNamespace, List<JsonNode> objects,
            Predicate<Gvk> isNamespacedKind) {
        Set<String> allowed = tenant.allowedNamespaces(tenantNamespace);
        List<TenancyViolation> out = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            JsonNode o = objects.get(i);
            String apiVersion = o == null ? "" : o.path("apiVersion").asText("");
            String kind = o == null ? "" : o.path("kind").asText("");
            String name = o == null ? "" : o.path("metadata").path("name").asText("");
            if (apiVersion.isEmpty() || kind.isEmpty() || name.isEmpty()) {
                out.add(new TenancyViolation("manifest.malformed", "objects[" + i + "]",
                        "every object needs apiVersion, kind and metadata.name"));
                continue;
            }
            JsonNode nsNode = o.path("metadata").path("namespace");
            String ns = Json.absent(nsNode) || nsNode.asText().isEmpty() ? tenantNamespace : nsNode.asText();
            String where = "objects[" + i + "] (" + kind + " " + ns + "/" + name + ")";
            if (!isNamespacedKind.test(Gvk.of(apiVersion, kind))) {
                out.add(new TenancyViolation("manifest.cluster-scoped", "objects[" + i + "] (" + kind + " " + name + ")",
                        apiVersion + " " + kind + " is cluster-scoped; tenant " + tenant.name()
                                + " may only apply namespaced objects in " + allowed));
            } else if (!nsNode.isMissingNode() && !nsNode.isNull() && !nsNode.isTextual()
                    || !allowed.contains(ns)) {
                out.add(new TenancyViolation("manifest.foreign-namespace", where + ".metadata.namespace",
                        "must be one of " + allowed + " (tenant " + tenant.name() + "), got " + Json.show(nsNode)));
            }
        }
        return out;
    }
}
