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
 * Build it with {@link TenancyCompiler}, or take {@link #d2Defaults()} when the cluster has no policy.
 *
 * @param reservedServiceAccounts names no tenant object may run as (the Flux controllers' own and any listed)
 * @param tenants first match wins
 */
public record TenancyRules(String name, Set<String> platformNamespaces, LabelSelector tenantNamespaceSelector,
        String defaultServiceAccount, Set<String> reservedServiceAccounts, List<Tenant> tenants,
        Set<String> platformUsernames, Set<String> platformGroups, List<Exemption> exemptions) {

    /** Service accounts of the Flux controllers and the Flux Operator; always reserved. */
    public static final Set<String> FLUX_CONTROLLER_SERVICE_ACCOUNTS = Set.of("kustomize-controller",
            "helm-controller", "source-controller", "notification-controller", "image-reflector-controller",
            "image-automation-controller", "source-watcher", "flux-operator");

    /** The source allowlist of D2's {@code flux-allowlist} ConfigMap, as patterns. */
    public static final List<String> D2_SOURCES = List.of("https://github.com/controlplaneio-fluxcd/*",
            "oci://ghcr.io/controlplaneio-fluxcd/*", "oci://ghcr.io/stefanprodan/charts/*",
            "oci://registry-1.docker.io/bitnamicharts/*");

    public TenancyRules {
        platformNamespaces = Set.copyOf(platformNamespaces);
        reservedServiceAccounts = Set.copyOf(reservedServiceAccounts);
        tenants = List.copyOf(tenants);
        platformUsernames = Set.copyOf(platformUsernames);
        platformGroups = Set.copyOf(platformGroups);
        exemptions = List.copyOf(exemptions);
    }

    /**
     * The rules when no {@code TenancyPolicy} exists: D2's conventions (platform {@code flux-system}, tenants
     * labelled {@code toolkit.fluxcd.io/role: tenant}, default service account {@code flux}, every tenant on
     * D2's source allowlist, tenancy managed by flux-system's flux-operator and kustomize-controller and by
     * {@code system:masters}), no exemptions.
     */
    public static TenancyRules d2Defaults() {
        TenantSpec all = new TenantSpec();
        all.name = "d2-tenants";
        all.namespaceSelector = new io.fleetwarden.api.v1alpha1.LabelSelectorSpec();
        all.sources = D2_SOURCES;
        TenancyPolicySpec spec = new TenancyPolicySpec();
        spec.tenants = List.of(all);
        TenancyCompiler.Result result = TenancyCompiler.compile("d2-defaults", spec);
        if (result instanceof TenancyCompiler.Invalid i) {
            throw new IllegalStateException(i.summary());
        }
        return ((TenancyCompiler.Compiled) result).rules();
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

    public boolean isPlatformIdentity(String username, Set<String> groups) {
        return platformUsernames.contains(username) || groups.stream().anyMatch(platformGroups::contains);
    }

    public Optional<Exemption> exemptionFor(String username, Operation operation, String kind) {
        return exemptions.stream().filter(e -> e.covers(username, operation, kind)).findFirst();
    }
}
