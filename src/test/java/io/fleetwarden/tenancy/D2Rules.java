package io.fleetwarden.tenancy;

import io.fleetwarden.api.v1alpha1.LabelSelectorSpec;
import io.fleetwarden.api.v1alpha1.TenancyPolicySpec;
import io.fleetwarden.api.v1alpha1.TenantSpec;
import java.util.List;

/**
 * The tenancy rules of a D2-style cluster, as a TenancyPolicy a platform team would write for it (every tenant
 * on D2's source allowlist). Tests only: fleetwarden itself trusts nobody's organisation by default.
 */
final class D2Rules {

    /** The source allowlist of D2's {@code flux-allowlist} ConfigMap, as patterns. */
    static final List<String> SOURCES = List.of("https://github.com/controlplaneio-fluxcd/*",
            "oci://ghcr.io/controlplaneio-fluxcd/*", "oci://ghcr.io/stefanprodan/charts/*",
            "oci://registry-1.docker.io/bitnamicharts/*");

    static final TenancyRules RULES = rules();

    private D2Rules() {
    }

    private static TenancyRules rules() {
        TenantSpec all = new TenantSpec();
        all.name = "d2-tenants";
        all.namespaceSelector = new LabelSelectorSpec();
        all.sources = SOURCES;
        TenancyPolicySpec spec = new TenancyPolicySpec();
        spec.tenants = List.of(all);
        return ((TenancyCompiler.Compiled) TenancyCompiler.compile("d2-tenancy", spec)).rules();
    }
}
