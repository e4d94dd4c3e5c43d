package io.fleetwarden.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.api.v1alpha1.TenancyPolicySpec;
import io.fleetwarden.api.v1alpha1.TenantSpec;
import io.fleetwarden.testing.D2Fixtures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real D2 tenants (d2-fleet {@code tenants/apps.yaml} and {@code infra.yaml}, rendered for staging) pass the
 * rules, as applied by flux-operator; and the apps components pass as applied by the tenant itself.
 */
class D2TenantsTest {

    static final TenancyRules D2 = D2Rules.RULES;
    static final String FLUX_OPERATOR = Requests.FLUX_OPERATOR;

    static List<JsonNode> rendered(String file) {
        return D2Fixtures.renderResourceSet("d2-fleet/tenants/" + file, D2Fixtures.runtimeInfo("staging"));
    }

    /** Namespace labels as the rendered Namespace objects set them, plus flux-system. */
    static NamespaceLabels clusterOf(List<JsonNode> objects) {
        Map<String, Map<String, String>> labels = new HashMap<>();
        labels.put("flux-system", Map.of());
        objects.stream().filter(o -> o.path("kind").asText().equals("Namespace")).forEach(o -> labels.put(
                o.path("metadata").path("name").asText(), NamespaceLabelRule.labels(o)));
        return ns -> Optional.ofNullable(labels.get(ns));
    }

    static Stream<Arguments> appsTenantObjects() {
        return rendered("apps.yaml").stream().map(o -> Arguments.of(Named.of(D2Fixtures.describe(o), o)));
    }

    @Test
    void renderingGivesEachTenantItsObjects() {
        List<JsonNode> apps = rendered("apps.yaml");
        assertThat(apps).extracting(D2Fixtures::describe).contains("Namespace /frontend", "OCIRepository frontend/apps",
                "Kustomization backend/apps", "RoleBinding backend/flux");
        JsonNode oci = apps.stream().filter(o -> D2Fixtures.describe(o).equals("OCIRepository frontend/apps")).findFirst()
                .orElseThrow();
        assertThat(oci.path("spec").path("url").asText()).isEqualTo("oci://ghcr.io/controlplaneio-fluxcd/d2-apps/frontend");
        assertThat(oci.path("spec").path("verify").path("matchOIDCIdentity").get(0).path("subject").asText()).isEqualTo(
                "^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$");
        NamespaceLabels cluster = clusterOf(apps);
        assertThat(D2.classify("frontend", cluster)).isInstanceOf(NamespaceClass.TenantNamespace.class);
        assertThat(D2.classify("backend", cluster)).isInstanceOf(NamespaceClass.TenantNamespace.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("appsTenantObjects")
    void appsTenantObjectsPassAsAppliedByFluxOperator(JsonNode object) {
        TenancyRequest r = createdBy(FLUX_OPERATOR, object, clusterOf(rendered("apps.yaml")));
        assertThat(TenancyAdmission.validate(D2, r)).isEqualTo(new TenancyDecision.Allowed(List.of(), List.of()));
        assertThat(TenancyAdmission.mutate(D2, r)).isEqualTo(new TenancyDecision.Allowed(List.of(), List.of()));
    }

    @Test
    void aTenantCannotCreateItsOwnTenantNamespace() {
        JsonNode ns = rendered("apps.yaml").get(0);
        assertThat(TenancyAdmission.validate(D2, createdBy(Requests.TENANT_SA, ns, clusterOf(List.of()))))
                .isInstanceOf(TenancyDecision.Denied.class);
    }

    @Test
    void infraNamespacesArePlatformUnderD2DefaultsAndWhenListed() {
        List<JsonNode> infra = rendered("infra.yaml");
        NamespaceLabels cluster = clusterOf(infra);
        assertThat(D2.classify("cert-manager", cluster)).isInstanceOf(NamespaceClass.Platform.class);
        assertThat(D2.classify("monitoring", cluster)).isInstanceOf(NamespaceClass.Platform.class);
        for (JsonNode o : infra) {
            assertThat(TenancyAdmission.validate(D2, createdBy(FLUX_OPERATOR, o, cluster))).as(D2Fixtures.describe(o))
                    .isEqualTo(new TenancyDecision.Allowed(List.of(), List.of()));
        }
        // Listed as platform, they stay platform even if someone labelled them as tenants.
        TenantSpec t = new TenantSpec();
        t.namespaceSelector = new io.fleetwarden.api.v1alpha1.LabelSelectorSpec();
        t.sources = D2Rules.SOURCES;
        TenancyPolicySpec spec = new TenancyPolicySpec();
        spec.platformNamespaces = List.of("flux-system", "cert-manager", "monitoring");
        spec.tenants = List.of(t);
        TenancyRules rules = DefaultingAndExceptionsTest.compileSpec(spec);
        NamespaceLabels allTenants = ns -> Optional.of(Map.of("toolkit.fluxcd.io/role", "tenant"));
        assertThat(rules.classify("cert-manager", allTenants)).isInstanceOf(NamespaceClass.Platform.class);
        assertThat(rules.classify("monitoring", allTenants)).isInstanceOf(NamespaceClass.Platform.class);
        assertThat(rules.classify("frontend", allTenants)).isInstanceOf(NamespaceClass.TenantNamespace.class);
        // cert-manager's cluster-scoped ClusterIssuer would be refused to a tenant, so it must stay platform
        List<JsonNode> issuers = D2Fixtures.documents("d2-infra/components/cert-manager/configs/base/cluster-issuers.yaml");
        assertThat(TenantManifestCheck.check(D2, "frontend", clusterOf(rendered("apps.yaml")), issuers, g -> false))
                .extracting(TenancyViolation::rule).containsOnly("manifest.cluster-scoped");
        assertThat(TenantManifestCheck.check(D2, "cert-manager", cluster, issuers, g -> false)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("appComponents")
    void appComponentsPassAsAppliedByTheTenantWithTheDefaultServiceAccount(String component) {
        List<JsonNode> objects = new ArrayList<>();
        for (String file : COMPONENT_FILES.get(component)) {
            objects.addAll(D2Fixtures.documents("d2-apps/components/" + component + "/base/" + file));
        }
        assertThat(objects).isNotEmpty();
        NamespaceLabels cluster = clusterOf(rendered("apps.yaml"));
        assertThat(TenantManifestCheck.check(D2, component, cluster, objects, g -> true)).isEmpty();
        for (JsonNode o : objects) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) o.path("metadata")).put("namespace", component);
            TenancyRequest r = createdBy("system:serviceaccount:" + component + ":flux", o, cluster);
            TenancyDecision mutated = TenancyAdmission.mutate(D2, r);
            assertThat(mutated).as(D2Fixtures.describe(o)).isInstanceOf(TenancyDecision.Allowed.class);
            boolean helmRelease = o.path("kind").asText().equals("HelmRelease");
            assertThat(((TenancyDecision.Allowed) mutated).patch()).extracting(JsonPatchOp::path)
                    .isEqualTo(helmRelease ? List.of("/spec/serviceAccountName") : List.of());
        }
    }

    static final Map<String, List<String>> COMPONENT_FILES = Map.of("frontend", List.of("podinfo.yaml"),
            "backend", List.of("memcached.yaml", "redis.yaml"));

    static Stream<String> appComponents() {
        return Stream.of("frontend", "backend");
    }

    static TenancyRequest createdBy(String user, JsonNode o, NamespaceLabels cluster) {
        return new TenancyRequest(Operation.CREATE, Gvk.of(o.path("apiVersion").asText(), o.path("kind").asText()),
                o.path("metadata").path("namespace").asText(""), o.path("metadata").path("name").asText(), o, null, user,
                Set.of("system:serviceaccounts"), cluster);
    }
}
