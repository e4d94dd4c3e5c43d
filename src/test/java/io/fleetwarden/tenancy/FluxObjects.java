package io.fleetwarden.tenancy;

/** YAML for the Flux objects under test; extra {@code spec} lines are given in flow style, one per argument. */
final class FluxObjects {

    static final String D2_VERIFY = "verify: {provider: cosign, matchOIDCIdentity: [{issuer: '^https://token\\.actions"
            + "\\.githubusercontent\\.com$', subject: '^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/"
            + "workflows/push-artifact\\.yaml@refs/heads/main$'}]}";

    private FluxObjects() {
    }

    static String kustomization(String ns, String... spec) {
        return head("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "apps", ns)
                + "  interval: 10m\n  prune: true\n  sourceRef: {kind: OCIRepository, name: apps}\n" + lines(spec);
    }

    /** A Kustomization whose sourceRef is given explicitly. */
    static String kustomizationRef(String ns, String sourceRef, String... spec) {
        return head("kustomize.toolkit.fluxcd.io/v1", "Kustomization", "apps", ns)
                + "  interval: 10m\n  prune: true\n  sourceRef: " + sourceRef + "\n" + lines(spec);
    }

    static String helmRelease(String ns, String... spec) {
        return head("helm.toolkit.fluxcd.io/v2", "HelmRelease", "podinfo", ns) + "  interval: 1h\n" + lines(spec);
    }

    static String resourceSet(String ns, String... spec) {
        return head("fluxcd.controlplane.io/v1", "ResourceSet", "apps", ns) + "  resources: []\n" + lines(spec);
    }

    static String ociRepository(String ns, String url, String... spec) {
        return source("OCIRepository", ns, url, spec);
    }

    static String source(String kind, String ns, String url, String... spec) {
        return head("source.toolkit.fluxcd.io/v1", kind, "apps", ns) + "  interval: 5m\n  url: '" + url.replace("'", "''")
                + "'\n" + lines(spec);
    }

    static String namespace(String name, String labels) {
        return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n  labels: " + labels + "\n";
    }

    private static String head(String apiVersion, String kind, String name, String ns) {
        return "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata: {name: " + name + ", namespace: " + ns
                + "}\nspec:\n";
    }

    private static String lines(String... spec) {
        StringBuilder sb = new StringBuilder();
        for (String s : spec) {
            sb.append("  ").append(s).append('\n');
        }
        return sb.toString();
    }
}
