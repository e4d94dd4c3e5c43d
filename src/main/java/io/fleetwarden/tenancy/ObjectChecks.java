package io.fleetwarden.tenancy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Field checks shared by the per-kind rules, for one object in one tenant namespace; collects every
 * violation. Values are compared exactly: {@code "Frontend"} or {@code "frontend "} is not {@code frontend}.
 */
final class ObjectChecks {

    final TenancyRules rules;
    final Tenant tenant;
    final String namespace;
    final List<TenancyViolation> violations = new ArrayList<>();

    ObjectChecks(TenancyRules rules, Tenant tenant, String namespace) {
        this.rules = rules;
        this.tenant = tenant;
        this.namespace = namespace;
    }

    void deny(String rule, String field, String message) {
        violations.add(new TenancyViolation(rule, field, message));
    }

    /**
     * The service account an applier impersonates. Names are local to the object's namespace, but a Flux
     * controller's name is refused anyway: it can only be a mistake or an attempt to borrow the controller's
     * bindings, e.g. a ClusterRoleBinding that grants by name.
     */
    void serviceAccount(JsonNode value, String field, boolean required) {
        String example = "e.g. \"" + tenant.defaultServiceAccount() + "\" (the tenant default)";
        if (Json.absent(value) || (value.isTextual() && value.asText().isEmpty())) {
            if (required) {
                deny("serviceaccount.required", field, "must name a service account in namespace " + namespace + ", "
                        + example + "; a tenant object never runs as the controller");
            }
        } else if (!value.isTextual() || !Names.isDnsSubdomain(value.asText())) {
            deny("serviceaccount.invalid", field, "must be the name of a service account in namespace " + namespace
                    + " (lower-case RFC 1123), " + example + ", got " + Json.show(value));
        } else if (rules.reservedServiceAccounts().contains(value.asText())) {
            deny("serviceaccount.reserved", field, Json.show(value) + " is reserved for the Flux controllers; use the "
                    + "tenant's own service account, " + example);
        }
    }

    /** A reference to another object: its namespace must be absent (= own) or exactly the own namespace. */
    void localRef(JsonNode ref, String field) {
        if (Json.absent(ref)) {
            return;
        }
        JsonNode ns = ref.path("namespace");
        if (!Json.absent(ns) && !(ns.isTextual() && ns.asText().equals(namespace))) {
            deny("ref.cross-namespace", field + ".namespace", "must be omitted or \"" + namespace
                    + "\"; cross-namespace references are blocked for tenants, got " + Json.show(ns));
        }
        JsonNode name = ref.path("name");
        if (!Json.absent(name) && !(name.isTextual() && Names.isDnsSubdomain(name.asText()))) {
            deny("ref.invalid-name", field + ".name", "must be the name of an object in namespace " + namespace
                    + " (lower-case RFC 1123, no \"/\"), got " + Json.show(name));
        }
    }

    /** targetNamespace, storageNamespace: absent, or one of the tenant's allowed namespaces. */
    void targetNamespace(JsonNode value, String field) {
        if (Json.absent(value)) {
            return;
        }
        if (!value.isTextual() || !tenant.allowedNamespaces(namespace).contains(value.asText())) {
            deny("target-namespace.not-allowed", field, "must be omitted or one of "
                    + tenant.allowedNamespaces(namespace) + " (tenant " + tenant.name() + "), got " + Json.show(value));
        }
    }

    /** kubeConfig makes the controller apply to another cluster, outside this cluster's RBAC. */
    void noKubeConfig(JsonNode spec) {
        if (spec.has("kubeConfig")) {
            deny("kubeconfig.forbidden", "spec.kubeConfig", "must be omitted; tenants may not deploy to remote "
                    + "clusters");
        }
    }

    void sourceUrl(JsonNode url, String field) {
        String problem = !Json.absent(url) && !url.isTextual() ? "must be a string"
                : SourceUrls.problem(Json.absent(url) ? null : url.asText());
        if (problem != null) {
            deny("source.url-invalid", field, problem + ", got " + Json.show(url));
        } else if (!tenant.allowsSource(url.asText())) {
            deny("source.url-not-allowed", field, (tenant.sources().isEmpty()
                    ? "no source is allowed: no spec.tenants[] entry covers namespace " + namespace
                    : "must match one of " + tenant.sources() + " (tenant " + tenant.name() + ")")
                    + ", got " + Json.show(url));
        }
    }
}
