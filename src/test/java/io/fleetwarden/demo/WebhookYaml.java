package io.fleetwarden.demo;

/** The manifests the demo applies with kubectl, as a fleet repository and a tenant onboarding would hold them. */
final class WebhookYaml {

    private WebhookYaml() {
    }

    /** An OCIRepository in flux-system with a spec.verify as strict as the policy. */
    static String ociRepository(String name, String ref, String interval) {
        String url = ref.substring(0, ref.lastIndexOf(':'));
        String tag = ref.substring(ref.lastIndexOf(':') + 1);
        return """
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: OCIRepository
                metadata:
                  name: %s
                  namespace: flux-system
                spec:
                  interval: %s
                  url: %s
                  ref:
                    tag: %s
                  verify:
                    provider: cosign
                    matchOIDCIdentity:
                      - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                        subject: ^https://github\\.com/acme/fleet-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
                """.formatted(name, interval, url, tag);
    }

    /**
     * An OCI HelmRepository in flux-system at {@code url} and a HelmChart of {@code chart} from it, with a verify as
     * strict as the policy: what a platform's repository holds for a Helm chart (a HelmRelease then names the
     * HelmChart in its chartRef).
     */
    static String helmChart(String name, String url, String chart, String version) {
        return """
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: HelmRepository
                metadata:
                  name: fleet-charts
                  namespace: flux-system
                spec:
                  type: oci
                  interval: 10m
                  url: %2$s
                ---
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: HelmChart
                metadata:
                  name: %1$s
                  namespace: flux-system
                spec:
                  interval: 10m
                  chart: %3$s
                  version: "%4$s"
                  sourceRef:
                    kind: HelmRepository
                    name: fleet-charts
                  verify:
                    provider: cosign
                    matchOIDCIdentity:
                      - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                        subject: ^https://github\\.com/acme/fleet-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
                """.formatted(name, url, chart, version);
    }

    /** What a D2 tenant ResourceSet creates: the namespace labelled as a tenant, its service account, its role. */
    static String tenantOnboarding(String tenant) {
        return """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: %1$s
                  labels:
                    toolkit.fluxcd.io/role: tenant
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: flux
                  namespace: %1$s
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata:
                  name: flux
                  namespace: %1$s
                rules:
                  - apiGroups: ["source.toolkit.fluxcd.io", "kustomize.toolkit.fluxcd.io"]
                    resources: ["*"]
                    verbs: ["*"]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata:
                  name: flux
                  namespace: %1$s
                roleRef:
                  apiGroup: rbac.authorization.k8s.io
                  kind: Role
                  name: flux
                subjects:
                  - kind: ServiceAccount
                    name: flux
                    namespace: %1$s
                """.formatted(tenant);
    }

    /**
     * A tenant Kustomization: with {@code sourceNamespace} it reads that namespace's source and names its
     * service account; without, it reads its own source and names none (the mutating webhook sets it).
     */
    static String kustomization(String tenant, String name, String sourceNamespace) {
        String sourceRef = sourceNamespace == null ? "    name: apps\n"
                : "    name: flux-system\n    namespace: " + sourceNamespace + "\n";
        String serviceAccount = sourceNamespace == null ? "" : "  serviceAccountName: flux\n";
        return """
                apiVersion: kustomize.toolkit.fluxcd.io/v1
                kind: Kustomization
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  interval: 10m
                  path: ./
                  prune: true
                  sourceRef:
                    kind: OCIRepository
                """.formatted(name, tenant) + sourceRef + serviceAccount;
    }
}
