package io.fleetwarden.tenancy;

import com.fasterxml.jackson.databind.JsonNode;

/** The per-kind rules for an object in a tenant namespace (after defaulting). */
final class KindRules {

    private KindRules() {
    }

    static void check(GovernedKind kind, JsonNode spec, ObjectChecks c) {
        switch (kind) {
            case OCI_REPOSITORY, GIT_REPOSITORY, HELM_REPOSITORY -> source(spec, c);
            case KUSTOMIZATION -> kustomization(spec, c);
            case HELM_RELEASE -> helmRelease(spec, c);
            case RESOURCE_SET -> c.serviceAccount(spec.path("serviceAccountName"), "spec.serviceAccountName", true);
            case NAMESPACE -> throw new IllegalArgumentException("Namespace objects are judged by NamespaceLabelRule");
        }
    }

    /** URL on the allowlist; a source's own service account (image pull secrets) must not be a controller's. */
    private static void source(JsonNode spec, ObjectChecks c) {
        c.sourceUrl(spec.path("url"), "spec.url");
        c.serviceAccount(spec.path("serviceAccountName"), "spec.serviceAccountName", false);
    }

    private static void kustomization(JsonNode spec, ObjectChecks c) {
        c.localRef(spec.path("sourceRef"), "spec.sourceRef");
        c.serviceAccount(spec.path("serviceAccountName"), "spec.serviceAccountName", true);
        c.serviceAccount(spec.path("decryption").path("serviceAccountName"), "spec.decryption.serviceAccountName", false);
        c.targetNamespace(spec.path("targetNamespace"), "spec.targetNamespace");
        c.noKubeConfig(spec);
        path(spec.path("path"), "spec.path", c);
        JsonNode components = spec.path("components");
        if (components.isArray()) {
            for (int i = 0; i < components.size(); i++) {
                path(components.get(i), "spec.components[" + i + "]", c);
            }
        } else if (!Json.absent(components)) {
            c.deny("path.invalid", "spec.components", "must be a list of relative paths");
        }
    }

    private static void path(JsonNode value, String field, ObjectChecks c) {
        if (Json.absent(value)) {
            return;
        }
        if (!value.isTextual()) {
            c.deny("path.invalid", field, "must be a relative path inside the source artifact, got " + Json.show(value));
            return;
        }
        TenancyViolation v = KustomizePaths.check(field, value.asText());
        if (v != null) {
            c.violations.add(v);
        }
    }

    private static void helmRelease(JsonNode spec, ObjectChecks c) {
        c.localRef(spec.path("chartRef"), "spec.chartRef");
        c.localRef(spec.path("chart").path("spec").path("sourceRef"), "spec.chart.spec.sourceRef");
        c.serviceAccount(spec.path("serviceAccountName"), "spec.serviceAccountName", true);
        c.targetNamespace(spec.path("targetNamespace"), "spec.targetNamespace");
        c.targetNamespace(spec.path("storageNamespace"), "spec.storageNamespace");
        c.noKubeConfig(spec);
    }
}
