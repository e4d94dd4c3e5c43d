package io.fleetwarden.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetwarden.api.v1alpha1.TenancyPolicy;
import io.fleetwarden.policy.FieldViolation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TenancyCompilerTest {

    /** Strict like PolicyDocuments: the integrator routes TenancyPolicy documents through the same reader. */
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static TenancyCompiler.Result compile(String spec) throws Exception {
        TenancyPolicy p = YAML.readValue("apiVersion: fleetwarden.io/v1alpha1\nkind: TenancyPolicy\n"
                + "metadata: {name: acme}\nspec:\n" + spec, TenancyPolicy.class);
        return TenancyCompiler.compile(p.getMetadata().getName(), p.getSpec());
    }

    @Test
    void withoutAPolicyTenantNamespacesAreRefusedAndNoOnesAllowlistIsTrusted() {
        TenancyRules none = io.fleetwarden.platform.PolicySnapshot.empty(io.fleetwarden.platform.Uncovered.DENY).tenancy();
        assertThat(none.defined()).isFalse();
        assertThat(none.tenants()).isEmpty();
        assertThat(none.platformNamespaces()).containsExactly("flux-system");
        assertThat(none.tenantNamespaceSelector().describe()).isEqualTo("toolkit.fluxcd.io/role=tenant");
        assertThat(none.platformUsernames()).containsExactlyInAnyOrder("system:serviceaccount:flux-system:flux-operator",
                "system:serviceaccount:flux-system:kustomize-controller");
        for (String yaml : List.of(FluxObjects.ociRepository("frontend", "oci://ghcr.io/controlplaneio-fluxcd/d2-apps/x"),
                FluxObjects.source("GitRepository", "frontend", "https://github.com/controlplaneio-fluxcd/d2-apps"),
                FluxObjects.kustomization("frontend", "serviceAccountName: flux"))) {
            TenancyDecision d = TenancyAdmission.validate(none, Requests.create(Requests.TENANT_SA, yaml));
            assertThat(d).isInstanceOfSatisfying(TenancyDecision.Denied.class, den -> assertThat(den.message())
                    .isEqualTo("fleetwarden tenancy: [policy.undefined] metadata.namespace: no TenancyPolicy defines "
                            + "what tenants may use (sources, refs, target namespaces), so nothing is admitted in tenant "
                            + "namespaces; apply one (see docs/tenancy.md)"));
            assertThat(TenancyAdmission.mutate(none, Requests.create(Requests.TENANT_SA, yaml)))
                    .isInstanceOf(TenancyDecision.Denied.class);
        }
        // platform namespaces are not tenants' business, with or without a policy
        assertThat(TenancyAdmission.validate(none, Requests.create(Requests.FLUX_OPERATOR, FluxObjects.ociRepository(
                "flux-system", "oci://example.com/x")))).isInstanceOf(TenancyDecision.Allowed.class);
        assertThat(TenantManifestCheck.check(none, "frontend", Requests.CLUSTER, List.of(), g -> true))
                .extracting(TenancyViolation::rule).containsExactly("policy.undefined");
    }

    @Test
    void compilesAPlatformTeamsPolicy() throws Exception {
        var r = compile("""
                  platformNamespaces: [flux-system, cert-manager, monitoring]
                  tenantNamespaceSelector:
                    matchExpressions: [{key: toolkit.fluxcd.io/role, operator: In, values: [tenant, app]}]
                  defaultServiceAccount: gitops
                  reservedServiceAccounts: [default]
                  tenants:
                    - name: web
                      namespaces: [frontend]
                      sources: ["oci://ghcr.io/acme/apps/frontend", "https://github.com/acme/web-*"]
                      targetNamespaces: [frontend-preview]
                    - namespaceSelector: {}
                      sources: ["oci://ghcr.io/acme/apps/*", "ssh://git@github.com/acme/*"]
                  platformIdentities:
                    usernames: [system:serviceaccount:flux-system:flux-operator]
                    groups: [platform-admins]
                  exemptions:
                    - {username: "system:serviceaccount:flux-system:source-controller", operations: [UPDATE], kinds: [OCIRepository]}
                """);
        assertThat(r).isInstanceOf(TenancyCompiler.Compiled.class);
        TenancyRules rules = ((TenancyCompiler.Compiled) r).rules();
        assertThat(rules.reservedServiceAccounts()).contains("default", "kustomize-controller");
        assertThat(rules.tenants()).extracting(Tenant::name).containsExactly("web", "tenants[1]");
        NamespaceLabels labels = ns -> Optional.of(Map.of("toolkit.fluxcd.io/role", ns.equals("monitoring") ? "tenant" : "app"));
        assertThat(rules.classify("frontend", labels)).isEqualTo(new NamespaceClass.TenantNamespace(rules.tenants().get(0), true));
        assertThat(rules.classify("backend", labels)).isEqualTo(new NamespaceClass.TenantNamespace(rules.tenants().get(1), true));
        assertThat(rules.classify("monitoring", labels)).isInstanceOf(NamespaceClass.Platform.class);
        assertThat(rules.classify("backend", ns -> Optional.empty())).isInstanceOf(NamespaceClass.Unknown.class);
        assertThat(rules.tenants().get(1).allowsSource("ssh://git@github.com/acme/infra")).isTrue();
        assertThat(rules.isPlatformIdentity("bob", Set.of("platform-admins"))).isTrue();
        assertThat(rules.isPlatformIdentity("system:serviceaccount:flux-system:kustomize-controller", Set.of())).isFalse();
    }

    @Test
    void reportsEveryViolationWithItsFieldPath() throws Exception {
        var r = compile("""
                  platformNamespaces: [flux-system, Flux-Infra]
                  tenantNamespaceSelector: {}
                  defaultServiceAccount: kustomize-controller
                  tenants:
                    - namespaces: [frontend, flux-system]
                      namespaceSelector: {matchLabels: {team: web}}
                      sources: ["oci://*.ghcr.io/acme/*", "oci://ghcr.io/acme/../x", "ftp://example.com/x", "oci://ghcr.io"]
                      targetNamespaces: [flux-system, "backend "]
                    - namespaceSelector: {matchExpressions: [{key: team, operator: in, values: [a]}, {key: "bad key!", operator: Exists, values: [x]}]}
                    - namespaces: []
                      sources: ["oci://GHCR.io/acme/*"]
                      defaultServiceAccount: " flux"
                  platformIdentities:
                    usernames: ["system:serviceaccount:flux-system:*", ""]
                    groups: ["system:serviceaccounts:flux-system", system:authenticated]
                  exemptions:
                    - {username: "system:serviceaccount:flux-system:source-controller"}
                    - {username: "x y", operations: [PATCH], kinds: [Secret]}
                """);
        assertThat(r).isInstanceOf(TenancyCompiler.Invalid.class);
        assertThat(((TenancyCompiler.Invalid) r).violations()).extracting(FieldViolation::toString).containsExactly(
                "spec.platformNamespaces[1]: must be a namespace name (lower-case RFC 1123 label), got \"Flux-Infra\"",
                "spec.tenantNamespaceSelector: must not be empty: {} would make every namespace, kube-system included, a tenant",
                "spec.defaultServiceAccount: \"kustomize-controller\" is reserved for the Flux controllers",
                "spec.tenants[0]: exactly one of namespaces or namespaceSelector is required",
                "spec.tenants[0].namespaces[1]: \"flux-system\" is a platform namespace",
                "spec.tenants[0].sources[0]: must name the host literally and continue with a path, such as "
                        + "oci://ghcr.io/acme/apps/*, got \"oci://*.ghcr.io/acme/*\"",
                "spec.tenants[0].sources[1]: must not contain empty, \".\" or \"..\" path segments, got \"oci://ghcr.io/acme/../x\"",
                "spec.tenants[0].sources[2]: must start with one of [oci://, https://, http://, ssh://], got \"ftp://example.com/x\"",
                "spec.tenants[0].sources[3]: must name the host literally and continue with a path, such as "
                        + "oci://ghcr.io/acme/apps/*, got \"oci://ghcr.io\"",
                "spec.tenants[0].targetNamespaces[0]: \"flux-system\" is a platform namespace",
                "spec.tenants[0].targetNamespaces[1]: must be a namespace name (lower-case RFC 1123 label), got \"backend \"",
                "spec.tenants[1].namespaceSelector.matchExpressions[0].operator: must be In, NotIn, Exists or DoesNotExist, got \"in\", did you mean \"In\"?",
                "spec.tenants[1].namespaceSelector.matchExpressions[1].key: is not a valid label key: \"bad key!\"",
                "spec.tenants[1].namespaceSelector.matchExpressions[1].values: must be empty for Exists",
                "spec.tenants[1].sources: at least one source URL pattern is required, such as oci://ghcr.io/acme/apps/*",
                "spec.tenants[2].namespaces: must not be empty",
                "spec.tenants[2].sources[0]: host must be lower case, got \"oci://GHCR.io/acme/*\"",
                "spec.tenants[2].defaultServiceAccount: must be a service account name (lower-case RFC 1123), got \" flux\"",
                "spec.platformIdentities.usernames[0]: must be an exact name without whitespace or wildcards, got "
                        + "\"system:serviceaccount:flux-system:*\"",
                "spec.platformIdentities.usernames[1]: must not be empty",
                "spec.platformIdentities.groups[0]: is too broad; list the service accounts under usernames instead",
                "spec.platformIdentities.groups[1]: is too broad; list the service accounts under usernames instead",
                "spec.exemptions[0].operations: at least one of CREATE, UPDATE, DELETE is required",
                "spec.exemptions[0].kinds: at least one kind is required",
                "spec.exemptions[1].username: must be an exact name without whitespace or wildcards, got \"x y\"",
                "spec.exemptions[1].operations[0]: must be CREATE, UPDATE or DELETE, got \"PATCH\"",
                "spec.exemptions[1].kinds[0]: must be one of [OCIRepository, GitRepository, HelmRepository, Bucket, HelmChart, "
                        + "Kustomization, "
                        + "HelmRelease, ResourceSet, Namespace], got \"Secret\"");
    }

    @Test
    void aPolicyWithoutTenantsOrSpecIsInvalid() throws Exception {
        assertThat(((TenancyCompiler.Invalid) compile("  platformNamespaces: [flux-system]\n")).summary())
                .isEqualTo("tenancy policy acme is invalid: spec.tenants: at least one tenant is required "
                        + "(namespaces or namespaceSelector, and sources)");
        assertThat(TenancyCompiler.compile("x", null)).isEqualTo(new TenancyCompiler.Invalid("x",
                java.util.List.of(new FieldViolation("spec", "is required"))));
    }

    @Test
    void aMisspeltFieldIsAnErrorWithTheStrictReader() {
        assertThatThrownBy(() -> compile("  tenants: [{namespaces: [a], sources: [\"oci://r.io/a/*\"], targetNamespace: [b]}]\n"))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("targetNamespace");
    }
}
