package io.fleetwarden.tenancy;

import io.fleetwarden.policy.LabelSelector;
import io.fleetwarden.policy.SelectorCompiler;
import io.fleetwarden.api.v1alpha1.TenancyPolicySpec;
import io.fleetwarden.api.v1alpha1.TenantSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A compiled, immutable {@code TenancyPolicy}, shared by every admission request and by the reconciler.
 * Build it with {@link TenancyCompiler}, or take {@link #undefined} when no policy is in force.
 *
 * @param reservedServiceAccounts names no tenant object may run as (the Flux controllers' own and any listed)
 * @param tenants first match wins
 * @param refusal why no policy is in force (every governed object in a tenant namespace is refused with it), or
 *        null when these rules come from a TenancyPolicy
 */
public record TenancyRules(String name, Set<String> platformNamespaces, LabelSelector tenantNamespaceSelector,
        String defaultServiceAccount, Set<String> reservedServiceAccounts, List<Tenant> tenants,
        Set<String> platformUsernames, Set<String> platformGroups, List<Exemption> exemptions, String refusal) {

    /** Service accounts of the Flux controllers and the Flux Operator; always reserved. */
    public static final Set<String> FLUX_CONTROLLER_SERVICE_ACCOUNTS = Set.of("kustomize-controller",
            "helm-controller", "source-controller", "notification-controller", "image-reflector-controller",
            "image-automation-controller", "source-watcher", "flux-operator");

    public TenancyRules {
        platformNamespaces = Set.copyOf(platformNamespaces);
        reservedServiceAccounts = Set.copyOf(reservedServiceAccounts);
        tenants = List.copyOf(tenants);
        platformUsernames = Set.copyOf(platformUsernames);
        platformGroups = Set.copyOf(platformGroups);
        exemptions = List.copyOf(exemptions);
    }

    /**
     * The rules when no {@code TenancyPolicy} is in force: namespaces are classified by the usual conventions
     * (platform {@code flux-system}, tenants labelled {@code toolkit.fluxcd.io/role: tenant}; tenancy labels
     * managed by flux-system's flux-operator and kustomize-controller and by {@code system:masters}), but every
     * governed object in a tenant namespace is refused with {@code why}. Fail closed: what a tenant may use is
     * the platform team's decision, and no built-in allowlist (someone else's organisation) stands in for it.
     */
    public static TenancyRules undefined(String why) {
        TenancyPolicySpec spec = new TenancyPolicySpec();
        TenantSpec placeholder = new TenantSpec();
        placeholder.namespaces = List.of("placeholder");
        placeholder.sources = List.of("oci://placeholder.invalid/x");
        spec.tenants = List.of(placeholder); // compiled for its defaults only; the tenant is dropped below
        TenancyRules r = ((TenancyCompiler.Compiled) TenancyCompiler.compile("(none)", spec)).rules();
        return new TenancyRules("(none)", r.platformNamespaces, r.tenantNamespaceSelector, r.defaultServiceAccount,
                r.reservedServiceAccounts, List.of(), r.platformUsernames, r.platformGroups, List.of(), why);
    }

    /** Whether {@code namespace} is platform, a tenant (and which), or unknown. */
    public NamespaceClass classify(String namespace, NamespaceLabels lookup) {
        if (platformNamespaces.contains(namespace)) {
            return new NamespaceClass.Platform();
        }
        Map<String, String> labels = lookup.labelsOf(namespace).orElse(null);
        for (Tenant t : tenants) {
            if (t.selector() != null && labels == null) {
                return new NamespaceClass.Unknown(); // an earlier selector entry might have matched
            }
            // An empty selector means "every tenant namespace", not "every namespace in the cluster".
            boolean covers = t.selector() == null ? t.namespaces().contains(namespace)
                    : t.selector().isEmpty() ? tenantNamespaceSelector.matches(labels) : t.selector().matches(labels);
            if (covers) {
                return new NamespaceClass.TenantNamespace(t, true);
            }
        }
        if (labels == null) {
            return new NamespaceClass.Unknown();
        }
        if (tenantNamespaceSelector.matches(labels)) {
            return new NamespaceClass.TenantNamespace(new Tenant("(no tenants[] entry)", Set.of(), null, List.of(),
                    Set.of(), defaultServiceAccount, List.of()), false);
        }
        return new NamespaceClass.Platform();
    }

    /** Whether a TenancyPolicy is in force (else tenant objects are refused with {@link #refusal}). */
    public boolean defined() {
        return refusal == null;
    }

    public boolean isPlatformIdentity(String username, Set<String> groups) {
        return platformUsernames.contains(username) || groups.stream().anyMatch(platformGroups::contains);
    }

    public Optional<Exemption> exemptionFor(String username, Operation operation, String kind) {
        return exemptions.stream().filter(e -> e.covers(username, operation, kind)).findFirst();
    }
}
