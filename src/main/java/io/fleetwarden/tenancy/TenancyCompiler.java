package io.fleetwarden.tenancy;

import io.fleetwarden.policy.LabelSelector;
import io.fleetwarden.policy.SelectorCompiler;
import io.fleetwarden.api.v1alpha1.ExemptionSpec;
import io.fleetwarden.api.v1alpha1.PlatformIdentitiesSpec;
import io.fleetwarden.api.v1alpha1.TenancyPolicySpec;
import io.fleetwarden.policy.FieldPositions;
import io.fleetwarden.policy.FieldViolation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Compiles a {@code TenancyPolicy} spec into {@link TenancyRules}, or returns every violation with its field
 * path (same style as {@link io.fleetwarden.policy.PolicyCompiler}). Missing fields take D2's conventions
 * (never its source allowlist: {@code tenants[].sources} is required);
 * present fields are checked strictly, because a typo in a tenancy policy would silently widen a tenant.
 * Takes the spec rather than the {@code TenancyPolicy} resource so this package stays free of the fabric8
 * client classes the resource extends.
 */
public final class TenancyCompiler {

    static final String DEFAULT_SERVICE_ACCOUNT = "flux";
    static final LabelSelector DEFAULT_TENANT_SELECTOR = LabelSelector.matchLabel("toolkit.fluxcd.io/role", "tenant");
    static final List<String> DEFAULT_PLATFORM_USERNAMES = List.of(
            "system:serviceaccount:flux-system:flux-operator", "system:serviceaccount:flux-system:kustomize-controller");
    static final List<String> DEFAULT_PLATFORM_GROUPS = List.of("system:masters");

    private TenancyCompiler() {
    }

    public sealed interface Result {
    }

    public record Compiled(TenancyRules rules) implements Result {
    }

    public record Invalid(String name, List<FieldViolation> violations) implements Result {
        public Invalid {
            violations = List.copyOf(violations);
        }

        public String summary() {
            return summary(FieldPositions.NONE);
        }

        /** For a policy from a file, a line per violation, each with where it is in the file. */
        public String summary(FieldPositions positions) {
            return FieldViolation.describe("tenancy policy " + name + " is invalid", violations, positions);
        }
    }

    public static Result compile(String name, TenancyPolicySpec spec) {
        if (spec == null) {
            return new Invalid(name, List.of(new FieldViolation("spec", "is required")));
        }
        List<FieldViolation> v = new ArrayList<>();
        Set<String> platform = spec.platformNamespaces == null ? Set.of("flux-system")
                : namespaces("spec.platformNamespaces", spec.platformNamespaces, Set.of(), v);
        LabelSelector selector = DEFAULT_TENANT_SELECTOR;
        if (spec.tenantNamespaceSelector != null) {
            selector = SelectorCompiler.compile("spec.tenantNamespaceSelector", spec.tenantNamespaceSelector, v);
            if (selector.isEmpty()) {
                v.add(new FieldViolation("spec.tenantNamespaceSelector",
                        "must not be empty: {} would make every namespace, kube-system included, a tenant"));
            }
        }
        Set<String> reserved = new HashSet<>(TenancyRules.FLUX_CONTROLLER_SERVICE_ACCOUNTS);
        List<String> extraReserved = spec.reservedServiceAccounts == null ? List.of() : spec.reservedServiceAccounts;
        for (int i = 0; i < extraReserved.size(); i++) {
            if (!Names.isDnsSubdomain(extraReserved.get(i))) {
                v.add(new FieldViolation("spec.reservedServiceAccounts[" + i + "]",
                        "must be a service account name, got " + Names.quote(extraReserved.get(i))));
            } else {
                reserved.add(extraReserved.get(i));
            }
        }
        String defaultSa = spec.defaultServiceAccount == null ? DEFAULT_SERVICE_ACCOUNT
                : TenantCompiler.serviceAccount("spec.defaultServiceAccount", spec.defaultServiceAccount, reserved, v);
        List<Tenant> tenants = new ArrayList<>();
        if (spec.tenants == null || spec.tenants.isEmpty()) {
            v.add(new FieldViolation("spec.tenants", "at least one tenant is required (namespaces or namespaceSelector, "
                    + "and sources)"));
        } else {
            for (int i = 0; i < spec.tenants.size(); i++) {
                Tenant t = TenantCompiler.compile("spec.tenants[" + i + "]", i, spec.tenants.get(i), platform, defaultSa,
                        reserved, v);
                if (t != null) {
                    tenants.add(t);
                }
            }
        }
        PlatformIdentitiesSpec ids = spec.platformIdentities;
        Set<String> users = IdentityCompiler.identities("spec.platformIdentities.usernames",
                ids == null || ids.usernames == null ? DEFAULT_PLATFORM_USERNAMES : ids.usernames, false, v);
        Set<String> groups = IdentityCompiler.identities("spec.platformIdentities.groups",
                ids == null || ids.groups == null ? DEFAULT_PLATFORM_GROUPS : ids.groups, true, v);
        List<Exemption> exemptions = new ArrayList<>();
        List<ExemptionSpec> ex = spec.exemptions == null ? List.of() : spec.exemptions;
        for (int i = 0; i < ex.size(); i++) {
            Exemption e = IdentityCompiler.exemption("spec.exemptions[" + i + "]", ex.get(i), v);
            if (e != null) {
                exemptions.add(e);
            }
        }
        if (!v.isEmpty()) {
            return new Invalid(name, v);
        }
        return new Compiled(new TenancyRules(name, platform, selector, defaultSa, reserved, tenants, users, groups,
                exemptions, null));
    }

    static Set<String> namespaces(String path, List<String> names, Set<String> forbidden, List<FieldViolation> v) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            if (!Names.isDnsLabel(n)) {
                v.add(new FieldViolation(path + "[" + i + "]", "must be a namespace name (lower-case RFC 1123 label), got "
                        + Names.quote(n)));
            } else if (forbidden.contains(n)) {
                v.add(new FieldViolation(path + "[" + i + "]", "\"" + n + "\" is a platform namespace"));
            } else {
                out.add(n);
            }
        }
        return out;
    }
}
