package io.fleetwarden.tenancy;

import static io.fleetwarden.tenancy.FluxObjects.namespace;
import static io.fleetwarden.tenancy.Requests.Case.allowed;
import static io.fleetwarden.tenancy.Requests.Case.denied;
import static io.fleetwarden.tenancy.Requests.FLUX_OPERATOR;
import static io.fleetwarden.tenancy.Requests.TENANT_SA;
import static io.fleetwarden.tenancy.Requests.create;
import static io.fleetwarden.tenancy.Requests.update;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Only platform identities move namespaces in or out of tenancy. */
class NamespaceLabelRuleTest {

    static final TenancyRules D2 = D2Rules.RULES;
    static final String TENANT = "{toolkit.fluxcd.io/role: tenant}";
    static final String LABEL = "metadata.labels[\"toolkit.fluxcd.io/role\"]";

    static Stream<Requests.Case> relabels() {
        return Stream.of(
                denied("tenant removes its tenant label", update(TENANT_SA, namespace("frontend", TENANT),
                        namespace("frontend", "{}")), "namespace.tenancy-label", LABEL),
                denied("tenant changes its label value", update(TENANT_SA, namespace("frontend", TENANT),
                        namespace("frontend", "{toolkit.fluxcd.io/role: platform}")), "namespace.tenancy-label", LABEL),
                denied("tenant changes the value's case", update(TENANT_SA, namespace("frontend", TENANT),
                        namespace("frontend", "{toolkit.fluxcd.io/role: Tenant}")), "namespace.tenancy-label", LABEL),
                denied("someone labels another namespace into tenancy", update(TENANT_SA, namespace("kube-system", "{}"),
                        namespace("kube-system", TENANT)), "namespace.tenancy-label", LABEL),
                denied("someone creates a tenant namespace", create(TENANT_SA, namespace("evil", TENANT)),
                        "namespace.tenancy-label", LABEL),
                denied("the controller is not a platform identity by default", update(
                        "system:serviceaccount:flux-system:helm-controller", namespace("frontend", TENANT),
                        namespace("frontend", "{}")), "namespace.tenancy-label", LABEL),
                allowed("tenant changes an unrelated label", update(TENANT_SA, namespace("frontend", TENANT),
                        namespace("frontend", "{toolkit.fluxcd.io/role: tenant, team: web}"))),
                allowed("flux-operator creates a tenant namespace", create(FLUX_OPERATOR, namespace("frontend", TENANT))),
                allowed("flux-operator retires a tenant", update(FLUX_OPERATOR, namespace("frontend", TENANT),
                        namespace("frontend", "{}"))),
                allowed("anyone creates a plain namespace", create(TENANT_SA, namespace("scratch", "{a: b}"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("relabels")
    void onlyPlatformIdentitiesChangeTenancyLabels(Requests.Case c) {
        c.assertOutcome(TenancyAdmission.validate(D2, c.request()));
        c.assertOutcome(TenancyAdmission.mutate(D2, c.request()));
    }

    @Test
    void membersOfAPlatformGroupMayRelabel() {
        var r = update(TENANT_SA, namespace("frontend", TENANT), namespace("frontend", "{}"));
        var admin = new TenancyRequest(r.operation(), r.gvk(), "", "frontend", r.object(), r.oldObject(), "alice",
                Set.of("system:masters"), r.namespaceLabels());
        assertThat(TenancyAdmission.validate(D2, admin)).isInstanceOf(TenancyDecision.Allowed.class);
    }

    @Test
    void aDenialSaysWhoMayAndWhatToKeep() {
        var d = (TenancyDecision.Denied) TenancyAdmission.validate(D2, update(TENANT_SA, namespace("frontend", TENANT),
                namespace("frontend", "{}")));
        assertThat(d.violations()).singleElement().asString().isEqualTo("[namespace.tenancy-label] " + LABEL
                + ": decides tenancy and only platform identities (users [system:serviceaccount:flux-system:flux-operator, "
                + "system:serviceaccount:flux-system:kustomize-controller], groups [system:masters]) may change it; "
                + "keep it \"tenant\"");
    }

    @Test
    void labellingAPlatformNamespaceAsTenantWarnsThatItStaysPlatform() {
        var a = (TenancyDecision.Allowed) TenancyAdmission.validate(D2, update(FLUX_OPERATOR, namespace("flux-system", "{}"),
                namespace("flux-system", TENANT)));
        assertThat(a.warnings()).containsExactly(
                "namespace flux-system is listed in platformNamespaces and stays platform despite its labels");
        assertThat(D2.classify("flux-system", ns -> java.util.Optional.of(java.util.Map.of("toolkit.fluxcd.io/role",
                "tenant")))).isInstanceOf(NamespaceClass.Platform.class);
    }

    @Test
    void keysOfTenantSelectorsAreGuardedToo() {
        var spec = DefaultingAndExceptionsTest.policy(DefaultingAndExceptionsTest.tenant("web", null, null));
        spec.tenants.get(0).namespaceSelector.matchLabels = java.util.Map.of("team", "web");
        TenancyRules rules = DefaultingAndExceptionsTest.compileSpec(spec);
        TenancyDecision d = TenancyAdmission.validate(rules, update(TENANT_SA, namespace("frontend", TENANT),
                namespace("frontend", "{toolkit.fluxcd.io/role: tenant, team: web}")));
        assertThat(d).isInstanceOfSatisfying(TenancyDecision.Denied.class, den -> assertThat(den.violations())
                .extracting(TenancyViolation::field).containsExactly("metadata.labels[\"team\"]"));
    }
}
