package io.fleetwarden.admission;

import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.tenancy.ClusterUnavailable;
import io.fleetwarden.tenancy.Gvk;
import io.fleetwarden.tenancy.NamespaceLabels;
import io.fleetwarden.tenancy.Operation;
import io.fleetwarden.tenancy.TenancyAdmission;
import io.fleetwarden.tenancy.TenancyDecision;
import io.fleetwarden.tenancy.TenancyRequest;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /mutate/tenancy} and {@code /validate/tenancy}: the multi-tenancy lockdown for Flux objects and
 * Namespaces. Mutation only sets a tenant's default service account where the object leaves it empty;
 * validation enforces every rule (and so also catches a missing default if the mutating webhook is off).
 */
public final class TenancyAdmissionHandler implements AdmissionHandler {

    private final Supplier<PolicySnapshot> policies;
    private final NamespaceLabels namespaces;
    private final boolean mutate;

    public TenancyAdmissionHandler(Supplier<PolicySnapshot> policies, NamespaceLabels namespaces, boolean mutate) {
        this.policies = policies;
        this.namespaces = namespaces;
        this.mutate = mutate;
    }

    @Override
    public AdmissionDecision handle(AdmissionInput in) {
        if (in.subResource() != null || "CONNECT".equals(in.operation())) {
            return AdmissionDecision.allow("Bypassed", "not governed", List.of());
        }
        String apiVersion = in.group() == null || in.group().isEmpty() ? in.version() : in.group() + "/" + in.version();
        TenancyRequest request = new TenancyRequest(Operation.valueOf(in.operation()), Gvk.of(apiVersion, in.kind()),
                in.namespace(), in.name(), in.object(), in.oldObject(), in.username() == null ? "" : in.username(),
                in.groups(), namespaces);
        var rules = policies.get().tenancy();
        TenancyDecision d;
        try {
            d = mutate ? TenancyAdmission.mutate(rules, request) : TenancyAdmission.validate(rules, request);
        } catch (ClusterUnavailable e) {
            // An API server outage decides nothing about the object: 503, never a tenancy denial or an admission.
            return AdmissionDecision.unavailable("fleetwarden tenancy: " + e.getMessage() + "; retry");
        }
        if (d instanceof TenancyDecision.Denied denied) {
            AdmissionDecision deny = AdmissionDecision.deny("TenancyViolation", denied.message());
            // The TenancyPolicy in force denied; without one (every tenant object refused), no policy did.
            return rules.defined() ? deny.deniedBy(List.of(new AdmissionDecision.PolicyRef("TenancyPolicy", rules.name())))
                    : deny;
        }
        TenancyDecision.Allowed allowed = (TenancyDecision.Allowed) d;
        if (allowed.patch().isEmpty()) {
            return AdmissionDecision.allow("Allowed", "tenancy rules hold", allowed.warnings());
        }
        return AdmissionDecision.patch("Defaulted", "tenant default service account set", allowed.warnings(),
                allowed.patchJson().toString());
    }
}
