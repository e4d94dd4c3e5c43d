package io.fleetwarden.tenancy;

import static io.fleetwarden.tenancy.FluxObjects.kustomization;
import static io.fleetwarden.tenancy.FluxObjects.resourceSet;
import static io.fleetwarden.tenancy.FluxObjects.source;
import static io.fleetwarden.tenancy.Requests.Case.allowed;
import static io.fleetwarden.tenancy.Requests.Case.denied;
import static io.fleetwarden.tenancy.Requests.TENANT_SA;
import static io.fleetwarden.tenancy.Requests.create;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.api.v1alpha1.TenancyPolicySpec;
import io.fleetwarden.api.v1alpha1.TenantSpec;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Ways around the lockdown that the rules once admitted: a source kind nobody judged, a ref a fork writes to,
 * the controller's own identities, an oracle through dependsOn, and ResourceSet templates that render outside
 * the tenant.
 */
class LockdownGapsTest {

    static final TenancyRules D2 = D2Rules.RULES;
    static final String SA = "serviceAccountName: flux";
    static final String GIT = "https://github.com/controlplaneio-fluxcd/d2-apps";

    static String bucket(String... spec) {
        return source("Bucket", "frontend", "x", spec).replace("  url: 'x'\n", "");
    }

    static String helmChart(String... spec) {
        return source("HelmChart", "frontend", "x", spec).replace("  url: 'x'\n", "");
    }

    static String rs(String... resources) {
        return resourceSet("frontend", SA).replace("  resources: []\n", "  resources:\n" + String.join("", resources));
    }

    static Stream<Requests.Case> gaps() {
        return Stream.of(
                // Bucket: judged, its endpoint on the allowlist
                denied("Bucket on any endpoint", create(TENANT_SA, bucket("endpoint: evil.example",
                        "bucketName: payload")), "source.url-not-allowed", "spec.endpoint"),
                denied("Bucket endpoint with a path", create(TENANT_SA, bucket("endpoint: evil.example/x",
                        "bucketName: payload")), "source.url-invalid", "spec.endpoint"),
                denied("Bucket with the controller's cloud identity", create(TENANT_SA, bucket("provider: aws",
                        "endpoint: github.com", "bucketName: controlplaneio-fluxcd")), "source.controller-identity",
                        "spec.provider"),
                // GitRepository refs
                denied("GitRepository following a pull request", create(TENANT_SA, source("GitRepository", "frontend",
                        GIT, "ref: {name: refs/pull/999/head}")), "git.ref-not-allowed", "spec.ref.name"),
                denied("GitRepository following a GitLab merge request", create(TENANT_SA, source("GitRepository",
                        "frontend", GIT, "ref: {name: refs/merge-requests/1/head}")), "git.ref-not-allowed",
                        "spec.ref.name"),
                denied("GitRepository ref name that is not a full ref", create(TENANT_SA, source("GitRepository",
                        "frontend", GIT, "ref: {name: 'pull/1/head'}")), "git.ref-invalid", "spec.ref.name"),
                denied("GitRepository bare commit", create(TENANT_SA, source("GitRepository", "frontend", GIT,
                        "ref: {commit: 0123456789abcdef0123456789abcdef01234567}")), "git.ref-not-allowed",
                        "spec.ref.commit"),
                denied("GitRepository branch with ..", create(TENANT_SA, source("GitRepository", "frontend", GIT,
                        "ref: {branch: '../pull/1/head'}")), "git.ref-invalid", "spec.ref.branch"),
                denied("GitRepository allowed branch beside a pull ref", create(TENANT_SA, source("GitRepository",
                        "frontend", GIT, "ref: {branch: main, name: refs/pull/1/merge}")), "git.ref-not-allowed",
                        "spec.ref.name"),
                allowed("GitRepository on a branch", create(TENANT_SA, source("GitRepository", "frontend", GIT,
                        "ref: {branch: main}"))),
                allowed("GitRepository on a tag, a semver range, a commit on a branch, the default branch",
                        create(TENANT_SA, source("GitRepository", "frontend", GIT, "ref: {tag: v1.0.0, semver: '>=1.0.0',"
                                + " branch: main, commit: 0123456789abcdef0123456789abcdef01234567}"))),
                allowed("GitRepository on the default branch", create(TENANT_SA, source("GitRepository", "frontend", GIT))),
                // HelmChart
                denied("HelmChart from a source in another namespace", create(TENANT_SA, helmChart("chart: podinfo",
                        "sourceRef: {kind: HelmRepository, name: r, namespace: flux-system}")), "ref.cross-namespace",
                        "spec.sourceRef.namespace"),
                denied("HelmChart chart path escaping its Git artifact", create(TENANT_SA, helmChart("chart: ../../x",
                        "sourceRef: {kind: GitRepository, name: r}")), "path.escape", "spec.chart"),
                denied("HelmChart from an unknown kind", create(TENANT_SA, helmChart("chart: x",
                        "sourceRef: {kind: ExternalArtifact, name: r}")), "ref.kind-not-allowed", "spec.sourceRef.kind"),
                allowed("HelmChart from a local HelmRepository", create(TENANT_SA, helmChart("chart: podinfo",
                        "sourceRef: {kind: HelmRepository, name: podinfo}"))),
                // Kustomization decryption and dependsOn
                denied("decryption with the controller's KMS identity", create(TENANT_SA, kustomization("frontend", SA,
                        "decryption: {provider: sops}")), "decryption.controller-identity", "spec.decryption"),
                allowed("decryption with the tenant's keys", create(TENANT_SA, kustomization("frontend", SA,
                        "decryption: {provider: sops, secretRef: {name: sops-age}}"))),
                allowed("decryption with the tenant's service account", create(TENANT_SA, kustomization("frontend", SA,
                        "decryption: {provider: sops, serviceAccountName: sops}"))),
                denied("dependsOn readyExpr on another tenant's Kustomization", create(TENANT_SA, kustomization(
                        "frontend", SA, "dependsOn: [{name: apps, namespace: backend, readyExpr: 'dep.spec.path == \"x\"'}]")),
                        "depends-on.foreign-expression", "spec.dependsOn[0].readyExpr"),
                allowed("dependsOn readyExpr in the own namespace", create(TENANT_SA, kustomization("frontend", SA,
                        "dependsOn: [{name: infra, namespace: frontend, readyExpr: 'true'}, {name: db}]"))),
                denied("ResourceSet dependsOn readyExpr on a Secret elsewhere", create(TENANT_SA, resourceSet("frontend",
                        SA, "dependsOn: [{apiVersion: v1, kind: ConfigMap, name: c, namespace: backend, ready: true, "
                                + "readyExpr: 'self.data.password.startsWith(\"a\")'}]")),
                        "depends-on.foreign-expression", "spec.dependsOn[0].readyExpr"),
                // ResourceSet templates
                denied("ResourceSet rendering a ClusterRoleBinding", create(TENANT_SA, rs(
                        "  - {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: x}}\n")),
                        "resourceset.cluster-scoped", "spec.resources[0].kind"),
                denied("ResourceSet rendering a Namespace", create(TENANT_SA, rs(
                        "  - {apiVersion: v1, kind: Namespace, metadata: {name: '<< inputs.tenant >>'}}\n")),
                        "resourceset.cluster-scoped", "spec.resources[0].kind"),
                denied("ResourceSet rendering a custom Cluster kind", create(TENANT_SA, rs(
                        "  - {apiVersion: cert-manager.io/v1, kind: ClusterIssuer, metadata: {name: x}}\n")),
                        "resourceset.cluster-scoped", "spec.resources[0].kind"),
                denied("ResourceSet rendering into another namespace", create(TENANT_SA, rs(
                        "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}\n",
                        "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: x, namespace: kube-system}}\n")),
                        "resourceset.foreign-namespace", "spec.resources[1].metadata.namespace"),
                denied("ResourceSet with a templated namespace", create(TENANT_SA, rs(
                        "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: x, namespace: '<< inputs.ns >>'}}\n")),
                        "resourceset.undecidable", "spec.resources[0].metadata.namespace"),
                denied("ResourceSet with a templated kind", create(TENANT_SA, rs(
                        "  - {apiVersion: v1, kind: '<< inputs.kind >>', metadata: {name: x}}\n")),
                        "resourceset.undecidable", "spec.resources[0].kind"),
                denied("ResourceSet with a resourcesTemplate", create(TENANT_SA, resourceSet("frontend", SA,
                        "resourcesTemplate: 'apiVersion: v1'")), "resourceset.undecidable", "spec.resourcesTemplate"),
                allowed("ResourceSet rendering namespaced objects at home", create(TENANT_SA, rs(
                        "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: '<< inputs.name >>'}}\n",
                        "  - {apiVersion: v1, kind: Secret, metadata: {name: s, namespace: frontend}}\n"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gaps")
    void validatingWebhook(Requests.Case c) {
        c.assertOutcome(TenancyAdmission.validate(D2, c.request()));
    }

    @Test
    void aBucketIsJudgedAsItsPathStyleUrl() {
        TenantSpec t = new TenantSpec();
        t.namespaceSelector = new io.fleetwarden.api.v1alpha1.LabelSelectorSpec();
        t.sources = List.of("https://minio.acme.internal/tenant-a-*");
        TenancyPolicySpec spec = new TenancyPolicySpec();
        spec.tenants = List.of(t);
        TenancyRules rules = DefaultingAndExceptionsTest.compileSpec(spec);
        allowed("allowed bucket", null).assertOutcome(TenancyAdmission.validate(rules, create(TENANT_SA,
                bucket("endpoint: minio.acme.internal", "bucketName: tenant-a-apps"))));
        denied("insecure is another URL", null, "source.url-not-allowed", "spec.endpoint").assertOutcome(
                TenancyAdmission.validate(rules, create(TENANT_SA, bucket("endpoint: minio.acme.internal",
                        "bucketName: tenant-a-apps", "insecure: true"))));
        denied("another tenant's bucket", null, "source.url-not-allowed", "spec.endpoint").assertOutcome(
                TenancyAdmission.validate(rules, create(TENANT_SA, bucket("endpoint: minio.acme.internal",
                        "bucketName: tenant-b-apps"))));
    }

    @Test
    void aTenantMayFollowPullRequestsOnlyWhenItsPolicySaysSo() {
        TenantSpec t = new TenantSpec();
        t.namespaceSelector = new io.fleetwarden.api.v1alpha1.LabelSelectorSpec();
        t.sources = List.of(GIT);
        t.refs = List.of("refs/heads/main", "refs/pull/*");
        TenancyPolicySpec spec = new TenancyPolicySpec();
        spec.tenants = List.of(t);
        TenancyRules rules = DefaultingAndExceptionsTest.compileSpec(spec);
        allowed("pull ref allowed", create(TENANT_SA, source("GitRepository", "frontend", GIT,
                "ref: {name: refs/pull/999/head}"))).assertOutcome(TenancyAdmission.validate(rules,
                create(TENANT_SA, source("GitRepository", "frontend", GIT, "ref: {name: refs/pull/999/head}"))));
        for (String ref : List.of("{branch: dev}", "{tag: v1}", "{semver: '*'}")) {
            assertThat(TenancyAdmission.validate(rules, create(TENANT_SA, source("GitRepository", "frontend", GIT,
                    "ref: " + ref)))).as(ref).isInstanceOf(TenancyDecision.Denied.class);
        }
        assertThat(TenancyAdmission.validate(rules, create(TENANT_SA, source("GitRepository", "frontend", GIT))))
                .as("the default branch is not listed").isInstanceOf(TenancyDecision.Denied.class);
    }

    @Test
    void refPatternsAreCheckedWhenThePolicyCompiles() {
        TenantSpec t = new TenantSpec();
        t.namespaces = List.of("frontend");
        t.sources = List.of(GIT);
        t.refs = List.of("main", "refs/heads/ma in", "refs/../x");
        TenancyPolicySpec spec = new TenancyPolicySpec();
        spec.tenants = List.of(t);
        assertThat(TenancyCompiler.compile("p", spec)).isInstanceOfSatisfying(TenancyCompiler.Invalid.class,
                i -> assertThat(i.violations()).extracting(v -> v.path()).containsExactly(
                        "spec.tenants[0].refs[0]", "spec.tenants[0].refs[1]", "spec.tenants[0].refs[2]"));
    }
}
