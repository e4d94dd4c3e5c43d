package io.fleetwarden.tenancy;

import static io.fleetwarden.tenancy.FluxObjects.D2_VERIFY;
import static io.fleetwarden.tenancy.FluxObjects.helmRelease;
import static io.fleetwarden.tenancy.FluxObjects.kustomization;
import static io.fleetwarden.tenancy.FluxObjects.kustomizationRef;
import static io.fleetwarden.tenancy.FluxObjects.ociRepository;
import static io.fleetwarden.tenancy.FluxObjects.resourceSet;
import static io.fleetwarden.tenancy.FluxObjects.source;
import static io.fleetwarden.tenancy.Requests.Case.allowed;
import static io.fleetwarden.tenancy.Requests.Case.denied;
import static io.fleetwarden.tenancy.Requests.FLUX_OPERATOR;
import static io.fleetwarden.tenancy.Requests.TENANT_SA;
import static io.fleetwarden.tenancy.Requests.create;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rule, allowed and denied, under the D2 defaults (validating webhook: no defaulting). */
class TenancyAdmissionTest {

    static final TenancyRules D2 = D2Rules.RULES;
    static final String SA = "serviceAccountName: flux";

    static Stream<Requests.Case> everyRule() {
        return Stream.of(
                // Sources: URL on the allowlist
                allowed("OCIRepository on the allowlist", create(TENANT_SA,
                        ociRepository("frontend", "oci://ghcr.io/controlplaneio-fluxcd/d2-apps/frontend", D2_VERIFY))),
                denied("OCIRepository off the allowlist", create(TENANT_SA,
                        ociRepository("frontend", "oci://ghcr.io/evil/apps")), "source.url-not-allowed", "spec.url"),
                allowed("GitRepository https on the allowlist", create(TENANT_SA,
                        source("GitRepository", "frontend", "https://github.com/controlplaneio-fluxcd/d2-apps"))),
                denied("GitRepository of another org", create(TENANT_SA,
                        source("GitRepository", "frontend", "https://github.com/evil/d2-apps")),
                        "source.url-not-allowed", "spec.url"),
                allowed("HelmRepository oci on the allowlist", create(TENANT_SA,
                        source("HelmRepository", "frontend", "oci://ghcr.io/stefanprodan/charts/", "type: oci"))),
                denied("HelmRepository https off the allowlist", create(TENANT_SA,
                        source("HelmRepository", "frontend", "https://charts.evil.example/")),
                        "source.url-not-allowed", "spec.url"),
                denied("source with the controller's service account", create(TENANT_SA, ociRepository("frontend",
                        "oci://ghcr.io/controlplaneio-fluxcd/x", "serviceAccountName: source-controller")),
                        "serviceaccount.reserved", "spec.serviceAccountName"),
                // Kustomization
                allowed("Kustomization with service account", create(TENANT_SA, kustomization("frontend", SA))),
                denied("Kustomization without service account", create(TENANT_SA, kustomization("frontend")),
                        "serviceaccount.required", "spec.serviceAccountName"),
                allowed("sourceRef.namespace = own", create(TENANT_SA, kustomizationRef("frontend",
                        "{kind: OCIRepository, name: apps, namespace: frontend}", SA))),
                denied("sourceRef.namespace = flux-system", create(TENANT_SA, kustomizationRef("frontend",
                        "{kind: OCIRepository, name: flux-system, namespace: flux-system}", SA)),
                        "ref.cross-namespace", "spec.sourceRef.namespace"),
                allowed("targetNamespace = own", create(TENANT_SA, kustomization("frontend", SA,
                        "targetNamespace: frontend"))),
                denied("targetNamespace = another tenant", create(TENANT_SA, kustomization("frontend", SA,
                        "targetNamespace: backend")), "target-namespace.not-allowed", "spec.targetNamespace"),
                denied("kubeConfig", create(TENANT_SA, kustomization("frontend", SA,
                        "kubeConfig: {secretRef: {name: prod-cluster}}")), "kubeconfig.forbidden", "spec.kubeConfig"),
                allowed("relative path", create(TENANT_SA, kustomization("frontend", SA, "path: ./staging"))),
                denied("path with ..", create(TENANT_SA, kustomization("frontend", SA, "path: ./staging/../../flux")),
                        "path.escape", "spec.path"),
                denied("remote path", create(TENANT_SA, kustomization("frontend", SA,
                        "path: 'https://github.com/evil/repo//deploy'")), "path.remote", "spec.path"),
                denied("remote component", create(TENANT_SA, kustomization("frontend", SA,
                        "components: [./ok, 'github.com/evil/repo//c?ref=main']")), "path.remote", "spec.components[1]"),
                denied("decryption as the controller", create(TENANT_SA, kustomization("frontend", SA,
                        "decryption: {provider: sops, serviceAccountName: kustomize-controller}")),
                        "serviceaccount.reserved", "spec.decryption.serviceAccountName"),
                // HelmRelease
                allowed("HelmRelease with local chartRef", create(TENANT_SA, helmRelease("frontend", SA,
                        "chartRef: {kind: OCIRepository, name: podinfo-chart}"))),
                denied("HelmRelease chartRef to flux-system", create(TENANT_SA, helmRelease("frontend", SA,
                        "chartRef: {kind: OCIRepository, name: flux-operator, namespace: flux-system}")),
                        "ref.cross-namespace", "spec.chartRef.namespace"),
                denied("HelmRelease chart.spec.sourceRef to another namespace", create(TENANT_SA, helmRelease("frontend",
                        SA, "chart: {spec: {chart: podinfo, sourceRef: {kind: HelmRepository, name: r, namespace: backend}}}")),
                        "ref.cross-namespace", "spec.chart.spec.sourceRef.namespace"),
                denied("HelmRelease without service account", create(TENANT_SA, helmRelease("frontend")),
                        "serviceaccount.required", "spec.serviceAccountName"),
                allowed("HelmRelease storageNamespace = own", create(TENANT_SA, helmRelease("frontend", SA,
                        "storageNamespace: frontend", "targetNamespace: frontend"))),
                denied("HelmRelease storageNamespace elsewhere", create(TENANT_SA, helmRelease("frontend", SA,
                        "storageNamespace: kube-system")), "target-namespace.not-allowed", "spec.storageNamespace"),
                denied("HelmRelease targetNamespace elsewhere", create(TENANT_SA, helmRelease("frontend", SA,
                        "targetNamespace: kube-system")), "target-namespace.not-allowed", "spec.targetNamespace"),
                denied("HelmRelease kubeConfig", create(TENANT_SA, helmRelease("frontend", SA,
                        "kubeConfig: {secretRef: {name: remote}}")), "kubeconfig.forbidden", "spec.kubeConfig"),
                // ResourceSet
                allowed("ResourceSet with service account", create(TENANT_SA, resourceSet("frontend", SA))),
                denied("ResourceSet without service account", create(TENANT_SA, resourceSet("frontend")),
                        "serviceaccount.required", "spec.serviceAccountName"),
                denied("ResourceSet as flux-operator", create(TENANT_SA, resourceSet("frontend",
                        "serviceAccountName: flux-operator")), "serviceaccount.reserved", "spec.serviceAccountName"),
                // Outside tenant namespaces: platform
                allowed("flux-system may do anything tenants may not", create(FLUX_OPERATOR, kustomizationRef(
                        "flux-system", "{kind: OCIRepository, name: x, namespace: other}", "kubeConfig: {secretRef: {name: k}}"))),
                allowed("unlabelled infra namespace is platform", create(FLUX_OPERATOR, helmRelease("cert-manager",
                        "targetNamespace: kube-system"))),
                denied("unknown namespace is not guessed", create(TENANT_SA, kustomization("ghost", SA)),
                        "namespace.unknown", "metadata.namespace"),
                allowed("kinds not governed pass", create(TENANT_SA,
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: frontend}\n")),
                denied("governed kind in another version", create(TENANT_SA, kustomization("frontend", SA)
                        .replace("kustomize.toolkit.fluxcd.io/v1", "kustomize.toolkit.fluxcd.io/v1beta2")),
                        "kind.unsupported-version", "apiVersion"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRule")
    void validatingWebhook(Requests.Case c) {
        c.assertOutcome(TenancyAdmission.validate(D2, c.request()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyRule")
    void mutatingWebhookAgreesExceptForTheMissingServiceAccount(Requests.Case c) {
        TenancyDecision d = TenancyAdmission.mutate(D2, c.request());
        if ("serviceaccount.required".equals(c.rule())) {
            assertThat(d).isInstanceOfSatisfying(TenancyDecision.Allowed.class, a -> assertThat(a.patch())
                    .extracting(JsonPatchOp::path).containsExactly("/spec/serviceAccountName"));
        } else {
            c.assertOutcome(d);
        }
    }
}
