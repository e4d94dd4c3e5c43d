package io.fleetwarden.tenancy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tenant's ResourceSet: what its templates will render, judged as far as it can be without rendering.
 *
 * <p>Each {@code spec.resources[i]} is one object template. Its {@code apiVersion}, {@code kind} and
 * {@code metadata.namespace} must be literal (no {@code << >>} action): a templated kind or namespace cannot be
 * decided at admission, so it is <b>refused</b>, not guessed at or merely warned about (write it literally, or
 * omit the namespace, which means the ResourceSet's own). A literal kind known to be cluster-scoped
 * ({@link ClusterScopedKinds}) and a literal namespace outside the tenant's are refused.
 * {@code spec.resourcesTemplate} (one text template for many documents) and {@code spec.steps} cannot be judged
 * structurally at all, so they are refused in tenant namespaces for the same reason.
 *
 * <p>This is a first line, not the whole defence: a template action inside any string value renders text, and
 * text can carry YAML structure. What stops a rendered object that escapes is the ResourceSet's service
 * account (required, never a controller's): flux-operator applies as it, so the tenant's RBAC refuses
 * cluster-scoped objects and other namespaces.
 */
final class ResourceSetRules {

    private ResourceSetRules() {
    }

    static void check(JsonNode spec, ObjectChecks c) {
        c.serviceAccount(spec.path("serviceAccountName"), "spec.serviceAccountName", true);
        DependsOn.check(spec.path("dependsOn"), c);
        for (String field : new String[] {"resourcesTemplate", "steps"}) {
            if (!Json.absent(spec.path(field))) {
                c.deny("resourceset.undecidable", "spec." + field, "must be omitted for tenants: what it renders "
                        + "cannot be judged before rendering; list the objects under spec.resources with literal "
                        + "apiVersion, kind and namespace");
            }
        }
        JsonNode resources = spec.path("resources");
        if (Json.absent(resources)) {
            return;
        }
        if (!resources.isArray()) {
            c.deny("resourceset.invalid", "spec.resources", "must be a list of object templates");
            return;
        }
        for (int i = 0; i < resources.size(); i++) {
            resource(resources.get(i), "spec.resources[" + i + "]", c);
        }
    }

    private static void resource(JsonNode r, String field, ObjectChecks c) {
        if (!r.isObject()) {
            c.deny("resourceset.invalid", field, "must be an object template");
            return;
        }
        String apiVersion = literal(r.path("apiVersion"), field + ".apiVersion", c);
        String kind = literal(r.path("kind"), field + ".kind", c);
        if (apiVersion != null && kind != null && ClusterScopedKinds.isClusterScoped(kind)) {
            c.deny("resourceset.cluster-scoped", field + ".kind", apiVersion + " " + kind + " is cluster-scoped; "
                    + "tenant " + c.tenant.name() + " may only render namespaced objects in "
                    + c.tenant.allowedNamespaces(c.namespace));
        }
        JsonNode ns = r.path("metadata").path("namespace");
        if (Json.absent(ns)) {
            return; // rendered into the ResourceSet's own namespace
        }
        if (!ns.isTextual() || isTemplated(ns.asText())) {
            c.deny("resourceset.undecidable", field + ".metadata.namespace", "must be literal or omitted (the "
                    + "ResourceSet's own namespace): a templated namespace cannot be decided at admission, got "
                    + Json.show(ns));
        } else if (!c.tenant.allowedNamespaces(c.namespace).contains(ns.asText())) {
            c.deny("resourceset.foreign-namespace", field + ".metadata.namespace", "must be omitted or one of "
                    + c.tenant.allowedNamespaces(c.namespace) + " (tenant " + c.tenant.name() + "), got "
                    + Json.show(ns));
        }
    }

    /** The value when it is a literal string, else null after recording why. */
    private static String literal(JsonNode value, String field, ObjectChecks c) {
        if (Json.absent(value) || !value.isTextual() || value.asText().isEmpty()) {
            c.deny("resourceset.invalid", field, "is required, got " + Json.show(value));
            return null;
        }
        if (isTemplated(value.asText())) {
            c.deny("resourceset.undecidable", field, "must be literal: a templated " + field.substring(
                    field.lastIndexOf('.') + 1) + " cannot be decided at admission, got " + Json.show(value));
            return null;
        }
        return value.asText();
    }

    /** ResourceSet templates use {@code << >>} delimiters (Helm and Flux {@code {{ }}} pass through untouched). */
    static boolean isTemplated(String s) {
        return s.contains("<<");
    }
}
