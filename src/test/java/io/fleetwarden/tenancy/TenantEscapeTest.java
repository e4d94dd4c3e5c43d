package io.fleetwarden.tenancy;

import static io.fleetwarden.tenancy.FluxObjects.D2_VERIFY;
import static io.fleetwarden.tenancy.FluxObjects.helmRelease;
import static io.fleetwarden.tenancy.FluxObjects.kustomization;
import static io.fleetwarden.tenancy.FluxObjects.kustomizationRef;
import static io.fleetwarden.tenancy.FluxObjects.ociRepository;
import static io.fleetwarden.tenancy.FluxObjects.source;
import static io.fleetwarden.tenancy.Requests.Case.allowed;
import static io.fleetwarden.tenancy.Requests.Case.denied;
import static io.fleetwarden.tenancy.Requests.FLUX_OPERATOR;
import static io.fleetwarden.tenancy.Requests.KUSTOMIZE_CONTROLLER;
import static io.fleetwarden.tenancy.Requests.TENANT_SA;
import static io.fleetwarden.tenancy.Requests.create;
import static io.fleetwarden.tenancy.Requests.update;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What a hostile tenant would try. Every attempt is denied, by both webhooks, for the right reason. */
class TenantEscapeTest {

    static final TenancyRules D2 = D2Rules.RULES;
    static final String SA = "serviceAccountName: flux";
    static final String APPS = "oci://ghcr.io/controlplaneio-fluxcd/d2-apps/frontend";
    static final String REF = "{kind: OCIRepository, name: apps, namespace: %s}";

    static Stream<Requests.Case> escapes() {
        return Stream.of(
                // cross-namespace references by name tricks, case and whitespace variants
                denied("sourceRef namespace in capitals", create(TENANT_SA, kustomizationRef("frontend",
                        REF.formatted("Frontend"), SA)), "ref.cross-namespace", "spec.sourceRef.namespace"),
                denied("sourceRef namespace with a trailing space", create(TENANT_SA, kustomizationRef("frontend",
                        REF.formatted("'frontend '"), SA)), "ref.cross-namespace", "spec.sourceRef.namespace"),
                denied("sourceRef namespace empty string", create(TENANT_SA, kustomizationRef("frontend",
                        REF.formatted("''"), SA)), "ref.cross-namespace", "spec.sourceRef.namespace"),
                denied("sourceRef name smuggling a namespace", create(TENANT_SA, kustomizationRef("frontend",
                        "{kind: OCIRepository, name: flux-system/flux-system}", SA)), "ref.invalid-name",
                        "spec.sourceRef.name"),
                denied("sourceRef name with ..", create(TENANT_SA, kustomizationRef("frontend",
                        "{kind: OCIRepository, name: ../flux-system}", SA)), "ref.invalid-name", "spec.sourceRef.name"),
                denied("targetNamespace with a tab", create(TENANT_SA, kustomization("frontend", SA,
                        "targetNamespace: \"frontend\\t\"")), "target-namespace.not-allowed", "spec.targetNamespace"),
                denied("targetNamespace flux-system", create(TENANT_SA, kustomization("frontend", SA,
                        "targetNamespace: flux-system")), "target-namespace.not-allowed", "spec.targetNamespace"),
                denied("empty kubeConfig still counts", create(TENANT_SA, kustomization("frontend", SA, "kubeConfig: {}")),
                        "kubeconfig.forbidden", "spec.kubeConfig"),
                // paths
                denied("absolute path", create(TENANT_SA, kustomization("frontend", SA, "path: /etc")), "path.escape",
                        "spec.path"),
                denied("plain ..", create(TENANT_SA, kustomization("frontend", SA, "path: ..")), "path.escape", "spec.path"),
                denied("backslash path", create(TENANT_SA, kustomization("frontend", SA, "path: '..\\\\x'")),
                        "path.escape", "spec.path"),
                denied("go-getter path", create(TENANT_SA, kustomization("frontend", SA, "path: 'git::https://evil/x'")),
                        "path.remote", "spec.path"),
                denied("component escaping the artifact", create(TENANT_SA, kustomization("frontend", SA,
                        "components: [../../other-tenant]")), "path.escape", "spec.components[0]"),
                // the controller's own service account, spelt in every way
                denied("serviceAccountName kustomize-controller", create(TENANT_SA, kustomization("frontend",
                        "serviceAccountName: kustomize-controller")), "serviceaccount.reserved", "spec.serviceAccountName"),
                denied("serviceAccountName helm-controller", create(TENANT_SA, helmRelease("frontend",
                        "serviceAccountName: helm-controller")), "serviceaccount.reserved", "spec.serviceAccountName"),
                denied("serviceAccountName as a full username", create(TENANT_SA, kustomization("frontend",
                        "serviceAccountName: 'system:serviceaccount:flux-system:kustomize-controller'")),
                        "serviceaccount.invalid", "spec.serviceAccountName"),
                denied("serviceAccountName in capitals", create(TENANT_SA, kustomization("frontend",
                        "serviceAccountName: Kustomize-Controller")), "serviceaccount.invalid", "spec.serviceAccountName"),
                denied("serviceAccountName with a leading space", create(TENANT_SA, kustomization("frontend",
                        "serviceAccountName: ' flux'")), "serviceaccount.invalid", "spec.serviceAccountName"),
                denied("serviceAccountName not a string", create(TENANT_SA, kustomization("frontend",
                        "serviceAccountName: [flux]")), "serviceaccount.invalid", "spec.serviceAccountName"),
                denied("the controller itself writing a tenant object is not exempt", create(KUSTOMIZE_CONTROLLER,
                        kustomization("frontend", SA, "kubeConfig: {secretRef: {name: remote}}")),
                        "kubeconfig.forbidden", "spec.kubeConfig"),
                // URLs
                denied("URL with ..", create(TENANT_SA, ociRepository("frontend",
                        "oci://ghcr.io/controlplaneio-fluxcd/../evil/x")), "source.url-invalid", "spec.url"),
                denied("URL with percent-encoded ..", create(TENANT_SA, source("GitRepository", "frontend",
                        "https://github.com/controlplaneio-fluxcd/%2e%2e/evil")), "source.url-invalid", "spec.url"),
                denied("URL with a query", create(TENANT_SA, source("GitRepository", "frontend",
                        "https://github.com/controlplaneio-fluxcd/x?evil")), "source.url-invalid", "spec.url"),
                denied("URL with trailing whitespace", create(TENANT_SA, ociRepository("frontend", APPS + " ")),
                        "source.url-invalid", "spec.url"),
                denied("URL with double slash", create(TENANT_SA, ociRepository("frontend",
                        "oci://ghcr.io/controlplaneio-fluxcd//x")), "source.url-invalid", "spec.url"),
                denied("URL host in capitals", create(TENANT_SA, ociRepository("frontend",
                        "oci://GHCR.io/controlplaneio-fluxcd/x")), "source.url-not-allowed", "spec.url"),
                denied("URL org prefix trick", create(TENANT_SA, ociRepository("frontend",
                        "oci://ghcr.io/controlplaneio-fluxcd-evil/x")), "source.url-not-allowed", "spec.url"),
                denied("URL host suffix trick", create(TENANT_SA, source("GitRepository", "frontend",
                        "https://github.com.evil.example/controlplaneio-fluxcd/x")), "source.url-not-allowed", "spec.url"),
                denied("URL userinfo trick", create(TENANT_SA, source("GitRepository", "frontend",
                        "https://github.com@evil.example/controlplaneio-fluxcd/x")), "source.url-not-allowed", "spec.url"),
                denied("URL with a port", create(TENANT_SA, ociRepository("frontend",
                        "oci://ghcr.io:443/controlplaneio-fluxcd/x")), "source.url-not-allowed", "spec.url"),
                denied("URL missing", create(TENANT_SA, ociRepository("frontend", "").replace("  url: ''\n", "")),
                        "source.url-invalid", "spec.url"),
                // updates that strip or loosen verification
                denied("update removes verify", update(TENANT_SA, ociRepository("frontend", APPS, D2_VERIFY),
                        ociRepository("frontend", APPS)), "verify.loosened", "spec.verify"),
                denied("update sets verify to null", update(TENANT_SA, ociRepository("frontend", APPS, D2_VERIFY),
                        ociRepository("frontend", APPS, "verify: null")), "verify.loosened", "spec.verify"),
                denied("update switches provider", update(TENANT_SA, ociRepository("frontend", APPS, D2_VERIFY),
                        ociRepository("frontend", APPS, D2_VERIFY.replace("cosign", "notation"))),
                        "verify.loosened", "spec.verify.provider"),
                denied("update removes matchOIDCIdentity", update(TENANT_SA, ociRepository("frontend", APPS, D2_VERIFY),
                        ociRepository("frontend", APPS, "verify: {provider: cosign}")),
                        "verify.loosened", "spec.verify.matchOIDCIdentity"),
                denied("update widens the subject", update(TENANT_SA, ociRepository("frontend", APPS, D2_VERIFY),
                        ociRepository("frontend", APPS, D2_VERIFY.replace("refs/heads/main$", ".*$"))),
                        "verify.loosened", "spec.verify.matchOIDCIdentity[0]"),
                denied("update adds an identity", update(TENANT_SA, ociRepository("frontend", APPS, D2_VERIFY),
                        ociRepository("frontend", APPS, D2_VERIFY.replace("}]}", "}, {issuer: '.*', subject: '.*'}]}"))),
                        "verify.loosened", "spec.verify.matchOIDCIdentity[1]"),
                denied("update swaps in a key secret", update(TENANT_SA, ociRepository("frontend", APPS, D2_VERIFY),
                        ociRepository("frontend", APPS, D2_VERIFY.replace("provider: cosign,",
                                "provider: cosign, secretRef: {name: my-key},"))),
                        "verify.loosened", "spec.verify.secretRef"),
                denied("update strips the HelmRelease chart verify", update(TENANT_SA,
                        helmRelease("frontend", SA, "chart: {spec: {chart: c, sourceRef: {kind: HelmRepository, name: r},"
                                + " verify: {provider: cosign}}}"),
                        helmRelease("frontend", SA, "chart: {spec: {chart: c, sourceRef: {kind: HelmRepository, name: r}}}")),
                        "verify.loosened", "spec.chart.spec.verify"),
                denied("update that changes the spec is judged in full", update(TENANT_SA,
                        kustomization("frontend", SA), kustomization("frontend", SA, "targetNamespace: kube-system")),
                        "target-namespace.not-allowed", "spec.targetNamespace"),
                // and the legitimate neighbours of those attempts
                allowed("tenant narrows its identities", update(TENANT_SA, ociRepository("frontend", APPS,
                        D2_VERIFY.replace("}]}", "}, {issuer: a, subject: b}]}")), ociRepository("frontend", APPS, D2_VERIFY))),
                allowed("platform identity re-renders verify", update(FLUX_OPERATOR, ociRepository("frontend", APPS,
                        D2_VERIFY), ociRepository("frontend", APPS, D2_VERIFY.replace("push-artifact", "release-artifact")))),
                allowed("tenant changes its interval", update(TENANT_SA, ociRepository("frontend", APPS, D2_VERIFY),
                        ociRepository("frontend", APPS, D2_VERIFY).replace("interval: 5m", "interval: 10m"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("escapes")
    void validatingWebhook(Requests.Case c) {
        c.assertOutcome(TenancyAdmission.validate(D2, c.request()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("escapes")
    void mutatingWebhook(Requests.Case c) {
        c.assertOutcome(TenancyAdmission.mutate(D2, c.request()));
    }

    @Test
    void aDenialListsEveryViolationAndSaysWhatWouldBeAllowed() {
        TenancyDecision d = TenancyAdmission.validate(D2, create(TENANT_SA, kustomizationRef("frontend",
                REF.formatted("flux-system"), "serviceAccountName: kustomize-controller", "targetNamespace: kube-system",
                "kubeConfig: {secretRef: {name: k}}", "path: ../x")));
        assertThat(d).isInstanceOfSatisfying(TenancyDecision.Denied.class, den -> assertThat(den.violations())
                .extracting(Object::toString).containsExactly(
                        "[ref.cross-namespace] spec.sourceRef.namespace: must be omitted or \"frontend\"; cross-namespace "
                                + "references are blocked for tenants, got \"flux-system\"",
                        "[serviceaccount.reserved] spec.serviceAccountName: \"kustomize-controller\" is reserved for the "
                                + "Flux controllers; use the tenant's own service account, e.g. \"flux\" (the tenant default)",
                        "[target-namespace.not-allowed] spec.targetNamespace: must be omitted or one of [frontend] "
                                + "(tenant d2-tenants), got \"kube-system\"",
                        "[kubeconfig.forbidden] spec.kubeConfig: must be omitted; tenants may not deploy to remote clusters",
                        "[path.escape] spec.path: must be a relative path inside the source artifact, such as ./staging; "
                                + "\"..\" is not allowed, got \"../x\""));
    }

    @Test
    void anOffAllowlistUrlIsToldTheAllowlist() {
        TenancyDecision d = TenancyAdmission.validate(D2, create(TENANT_SA, ociRepository("frontend", "oci://docker.io/x/y")));
        assertThat(((TenancyDecision.Denied) d).message()).isEqualTo("fleetwarden tenancy: [source.url-not-allowed] "
                + "spec.url: must match one of [https://github.com/controlplaneio-fluxcd/*, oci://ghcr.io/controlplaneio-fluxcd/*, "
                + "oci://ghcr.io/stefanprodan/charts/*, oci://registry-1.docker.io/bitnamicharts/*] (tenant d2-tenants), "
                + "got \"oci://docker.io/x/y\"");
    }
}
