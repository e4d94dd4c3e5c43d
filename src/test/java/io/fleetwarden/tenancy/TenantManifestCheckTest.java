package io.fleetwarden.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.testing.D2Fixtures;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class TenantManifestCheckTest {

    static final TenancyRules D2 = D2Rules.RULES;
    /** Discovery stand-in: these kinds are cluster-scoped, everything else namespaced. */
    static final Predicate<Gvk> NAMESPACED = g -> !Set.of("Namespace", "ClusterRole", "ClusterIssuer").contains(g.kind());

    static JsonNode obj(String kind, String name, String namespace) {
        return D2Fixtures.object("apiVersion: v1\nkind: " + kind + "\nmetadata: {name: " + name
                + (namespace == null ? "" : ", namespace: '" + namespace + "'") + "}\n");
    }

    @Test
    void namespacedObjectsInTheTenantNamespacePass() {
        assertThat(TenantManifestCheck.check(D2, "frontend", Requests.CLUSTER, List.of(obj("ConfigMap", "a", "frontend"),
                obj("Service", "b", null), obj("Secret", "c", "")), NAMESPACED)).isEmpty();
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        List<TenancyViolation> v = TenantManifestCheck.check(D2, "frontend", Requests.CLUSTER, List.of(
                obj("ConfigMap", "ok", "frontend"),
                obj("ClusterRole", "escalate", null),
                // kustomize stamps targetNamespace onto unknown cluster-scoped CRDs: scope comes from discovery
                obj("ClusterIssuer", "letsencrypt", "frontend"),
                obj("Deployment", "sidecar", "backend"),
                obj("Secret", "steal", "Frontend"),
                obj("Namespace", "new-ns", null),
                D2Fixtures.object("kind: ConfigMap\nmetadata: {name: x}\n")), NAMESPACED);
        assertThat(v).extracting(Object::toString).containsExactly(
                "[manifest.cluster-scoped] objects[1] (ClusterRole escalate): v1 ClusterRole is cluster-scoped; tenant "
                        + "d2-tenants may only apply namespaced objects in [frontend]",
                "[manifest.cluster-scoped] objects[2] (ClusterIssuer letsencrypt): v1 ClusterIssuer is cluster-scoped; "
                        + "tenant d2-tenants may only apply namespaced objects in [frontend]",
                "[manifest.foreign-namespace] objects[3] (Deployment backend/sidecar).metadata.namespace: must be one of "
                        + "[frontend] (tenant d2-tenants), got \"backend\"",
                "[manifest.foreign-namespace] objects[4] (Secret Frontend/steal).metadata.namespace: must be one of "
                        + "[frontend] (tenant d2-tenants), got \"Frontend\"",
                "[manifest.cluster-scoped] objects[5] (Namespace new-ns): v1 Namespace is cluster-scoped; tenant "
                        + "d2-tenants may only apply namespaced objects in [frontend]",
                "[manifest.malformed] objects[6]: every object needs apiVersion, kind and metadata.name");
    }

    @Test
    void platformNamespacesAreUnconstrainedAndUnknownOnesAreRefused() {
        List<JsonNode> objects = List.of(obj("ClusterRole", "x", null));
        assertThat(TenantManifestCheck.check(D2, "flux-system", Requests.CLUSTER, objects, NAMESPACED)).isEmpty();
        assertThat(TenantManifestCheck.check(D2, "ghost", Requests.CLUSTER, objects, NAMESPACED))
                .extracting(TenancyViolation::rule).containsExactly("namespace.unknown");
    }

    @Test
    void aTenantsExtraTargetNamespacesAreAllowed() {
        Tenant t = new Tenant("web", Set.of("frontend"), null, List.of(), Set.of("frontend-preview"), "flux",
                Tenant.DEFAULT_REFS);
        assertThat(TenantManifestCheck.check(t, "frontend", List.of(obj("ConfigMap", "a", "frontend-preview")), NAMESPACED))
                .isEmpty();
    }
}
