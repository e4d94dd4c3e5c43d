package io.fleetwarden.tenancy;

import static io.fleetwarden.tenancy.FluxObjects.kustomization;
import static io.fleetwarden.tenancy.FluxObjects.ociRepository;
import static io.fleetwarden.tenancy.FluxObjects.resourceSet;
import static io.fleetwarden.tenancy.Requests.TENANT_SA;
import static io.fleetwarden.tenancy.Requests.create;
import static io.fleetwarden.tenancy.Requests.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.api.v1alpha1.ExemptionSpec;
import io.fleetwarden.api.v1alpha1.TenancyPolicySpec;
import io.fleetwarden.api.v1alpha1.TenantSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mutating webhook's defaulting, the spec-unchanged ratchet, exemptions, unconfigured tenants. */
class DefaultingAndExceptionsTest {

    static final TenancyRules D2 = D2Rules.RULES;

    static TenancyDecision.Allowed allowed(TenancyDecision d) {
        assertThat(d).isInstanceOf(TenancyDecision.Allowed.class);
        return (TenancyDecision.Allowed) d;
    }

    @Test
    void aMissingServiceAccountIsSetToTheTenantDefault() {
        var a = allowed(TenancyAdmission.mutate(D2, create(TENANT_SA, kustomization("frontend"))));
        assertThat(a.patchJson().toString())
                .isEqualTo("[{\"op\":\"add\",\"path\":\"/spec/serviceAccountName\",\"value\":\"flux\"}]");
    }

    @Test
    void anEmptyServiceAccountIsDefaultedLikeAMissingOne() {
        var a = allowed(TenancyAdmission.mutate(D2, create(TENANT_SA, kustomization("frontend", "serviceAccountName: ''"))));
        assertThat(a.patch()).extracting(JsonPatchOp::path).containsExactly("/spec/serviceAccountName");
    }

    @Test
    void aResourceSetWithoutSpecGetsOne() {
        String rset = resourceSet("frontend").replace("spec:\n  resources: []\n", "");
        var a = allowed(TenancyAdmission.mutate(D2, create(TENANT_SA, rset)));
        assertThat(a.patchJson().toString()).isEqualTo("[{\"op\":\"add\",\"path\":\"/spec\",\"value\":{\"serviceAccountName\":\"flux\"}}]");
    }

    @Test
    void anUpdateThatStripsTheServiceAccountGetsItBack() {
        var a = allowed(TenancyAdmission.mutate(D2, update(TENANT_SA, kustomization("frontend", "serviceAccountName: flux"),
                kustomization("frontend"))));
        assertThat(a.patch()).extracting(JsonPatchOp::path).containsExactly("/spec/serviceAccountName");
        assertThat(TenancyAdmission.validate(D2, update(TENANT_SA, kustomization("frontend", "serviceAccountName: flux"),
                kustomization("frontend")))).isInstanceOf(TenancyDecision.Denied.class);
    }

    @Test
    void defaultingDoesNotHideOtherViolations() {
        TenancyDecision d = TenancyAdmission.mutate(D2, create(TENANT_SA, kustomization("frontend", "targetNamespace: backend")));
        assertThat(d).isInstanceOfSatisfying(TenancyDecision.Denied.class, den -> assertThat(den.violations())
                .extracting(TenancyViolation::rule).containsExactly("target-namespace.not-allowed"));
    }

    @Test
    void nothingIsDefaultedOutsideTenantNamespacesOrForSources() {
        assertThat(allowed(TenancyAdmission.mutate(D2, create(TENANT_SA, kustomization("flux-system")))).patch()).isEmpty();
        assertThat(allowed(TenancyAdmission.mutate(D2, create(TENANT_SA,
                ociRepository("frontend", "oci://ghcr.io/controlplaneio-fluxcd/x")))).patch()).isEmpty();
    }

    @Test
    void aTenantEntryMayOverrideTheDefaultServiceAccount() {
        TenancyRules rules = compile(tenant("frontend-team", List.of("frontend"), "deployer"));
        var a = allowed(TenancyAdmission.mutate(rules, create(TENANT_SA, kustomization("frontend"))));
        assertThat(a.patch()).singleElement().satisfies(p -> assertThat(p.value().asText()).isEqualTo("deployer"));
    }

    @Test
    void anUpdateLeavingTheSpecAloneIsAdmittedWithWarnings() {
        // e.g. source-controller removing its finalizer from a source admitted before the policy was tightened
        String old = ociRepository("frontend", "oci://docker.io/legacy/app");
        String withFinalizer = old.replace("namespace: frontend}", "namespace: frontend, finalizers: [x]}");
        var a = allowed(TenancyAdmission.validate(D2, update("system:serviceaccount:flux-system:source-controller",
                withFinalizer, old)));
        assertThat(a.warnings()).singleElement().asString().startsWith("unchanged spec admitted although it violates "
                + "[source.url-not-allowed] spec.url");
    }

    @Test
    void anExemptionIsExactlyItsUsernameOperationsAndKinds() {
        TenancyPolicySpec spec = policy(tenant("all", null, null));
        ExemptionSpec e = new ExemptionSpec();
        e.username = "system:serviceaccount:flux-system:source-controller";
        e.operations = List.of("UPDATE");
        e.kinds = List.of("OCIRepository");
        spec.exemptions = List.of(e);
        TenancyRules rules = compileSpec(spec);
        String bad = ociRepository("frontend", "oci://docker.io/x/y");
        String bad2 = bad.replace("interval: 5m", "interval: 6m");
        assertThat(allowed(TenancyAdmission.validate(rules, update(e.username, bad, bad2))).warnings())
                .containsExactly("tenancy rules skipped: " + e.username + " is exempt for UPDATE OCIRepository");
        assertThat(TenancyAdmission.validate(rules, create(e.username, bad))).isInstanceOf(TenancyDecision.Denied.class);
        assertThat(TenancyAdmission.validate(rules, update("system:serviceaccount:flux-system:helm-controller", bad, bad2)))
                .isInstanceOf(TenancyDecision.Denied.class);
        assertThat(TenancyAdmission.validate(rules, update(e.username, kustomization("frontend", "serviceAccountName: flux"),
                kustomization("frontend", "serviceAccountName: kustomize-controller")))).isInstanceOf(TenancyDecision.Denied.class);
    }

    @Test
    void aLabelledNamespaceNoEntryCoversMayUseNoSource() {
        TenancyRules rules = compile(tenant("backend-team", List.of("backend"), null));
        TenancyDecision d = TenancyAdmission.validate(rules, create(TENANT_SA,
                ociRepository("frontend", "oci://ghcr.io/controlplaneio-fluxcd/x")));
        assertThat(((TenancyDecision.Denied) d).violations()).singleElement().satisfies(v -> assertThat(v.message())
                .isEqualTo("no source is allowed: no spec.tenants[] entry covers namespace frontend, got "
                        + "\"oci://ghcr.io/controlplaneio-fluxcd/x\""));
    }

    @Test
    void aNamespaceNamedByATenantEntryIsATenantWithoutTheLabel() {
        TenancyRules rules = compile(tenant("infra", List.of("cert-manager"), null));
        assertThat(rules.classify("cert-manager", Requests.CLUSTER)).isInstanceOf(NamespaceClass.TenantNamespace.class);
        assertThat(TenancyAdmission.validate(rules, create(TENANT_SA, kustomization("cert-manager",
                "serviceAccountName: flux", "targetNamespace: kube-system")))).isInstanceOf(TenancyDecision.Denied.class);
    }

    @Test
    void extraTargetNamespacesAreAllowedAndNamedInMessages() {
        TenantSpec t = tenant("frontend-team", List.of("frontend"), null);
        t.targetNamespaces = List.of("frontend-preview");
        TenancyRules rules = compile(t);
        assertThat(TenancyAdmission.validate(rules, create(TENANT_SA, kustomization("frontend", "serviceAccountName: flux",
                "targetNamespace: frontend-preview")))).isInstanceOf(TenancyDecision.Allowed.class);
        var d = (TenancyDecision.Denied) TenancyAdmission.validate(rules, create(TENANT_SA, kustomization("frontend",
                "serviceAccountName: flux", "targetNamespace: backend")));
        assertThat(d.violations().get(0).message()).contains("one of [frontend, frontend-preview] (tenant frontend-team)");
    }

    static TenantSpec tenant(String name, List<String> namespaces, String defaultSa) {
        TenantSpec t = new TenantSpec();
        t.name = name;
        t.namespaces = namespaces;
        t.namespaceSelector = namespaces == null ? new io.fleetwarden.api.v1alpha1.LabelSelectorSpec() : null;
        t.sources = D2Rules.SOURCES;
        t.defaultServiceAccount = defaultSa;
        return t;
    }

    static TenancyPolicySpec policy(TenantSpec... tenants) {
        TenancyPolicySpec spec = new TenancyPolicySpec();
        spec.tenants = List.of(tenants);
        return spec;
    }

    static TenancyRules compile(TenantSpec... tenants) {
        return compileSpec(policy(tenants));
    }

    static TenancyRules compileSpec(TenancyPolicySpec spec) {
        TenancyCompiler.Result r = TenancyCompiler.compile("test", spec);
        assertThat(r).as(r.toString()).isInstanceOf(TenancyCompiler.Compiled.class);
        return ((TenancyCompiler.Compiled) r).rules();
    }

}
