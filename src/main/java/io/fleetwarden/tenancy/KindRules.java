package io.fleetwarden.tenancy;

import com.fasterxml.jackson.databind.JsonNode;

/** The per-kind rules for an object in a tenant namespace (after defaulting). */
final class KindRules {

    private KindRules() {
    }

    static void check(GovernedKind kind, JsonNode spec, ObjectChecks c) {
        switch (kind) {
            case OCI_REPOSITORY, GIT_REPOSITORY, HELM_REPOSITORY -> SourceRules.urlSource(kind, spec, c);
            case BUCKET -> SourceRules.bucket(spec, c);
            case HELM_CHART -> SourceRules.helmChart(spec, c);
            case KUSTOMIZATION -> kustomization(spec, c);
            case HELM_RELEASE -> helmRelease(spec, c);
            case RESOURCE_SET -> ResourceSetRules.check(spec, c);
            case NAMESPACE -> throw new IllegalArgumentException("Namespace objects are judged by NamespaceLabelRule");
        }
    }

    private static void kustomization(JsonNode spec, ObjectChecks c) {
        c.localRef(spec.path("sourceRef"), "spec.sourceRef");
        c.serviceAccount(spec.path("serviceAccountName"), "spec.serviceAccountName", true);
        decryption(spec.path("decryption"), c);
        DependsOn.check(spec.path("dependsOn"), c);
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

    /**
     * SOPS decryption with neither {@code secretRef} nor {@code serviceAccountName} uses the controller's own
     * KMS identity (workload identity of kustomize-controller): a tenant could decrypt anything encrypted for the
     * platform, e.g. a Secret copied from flux-system's repository. The tenant must bring its keys or its identity.
     */
    private static void decryption(JsonNode decryption, ObjectChecks c) {
        if (Json.absent(decryption)) {
            return;
        }
        c.serviceAccount(decryption.path("serviceAccountName"), "spec.decryption.serviceAccountName", false);
        if (Json.absent(decryption.path("secretRef")) && Json.absent(decryption.path("serviceAccountName"))) {
            c.deny("decryption.controller-identity", "spec.decryption", "must name the tenant's keys "
                    + "(secretRef) or service account (serviceAccountName); without either, the controller decrypts "
                    + "with its own KMS identity");
        }
    }

    static void path(JsonNode value, String field, ObjectChecks c) {
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
