package io.fleetwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.cluster.CustomResourceDefinitions;
import io.fleetwarden.testing.cluster.GateOnCluster;
import io.fleetwarden.testing.cluster.TestNamespaces;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Helm charts from an OCI registry through the real API server: Flux's own CRDs for HelmRepository, HelmChart and
 * HelmRelease, the webhooks of {@code deploy/} calling the packaged service, which reads HelmRepositories and
 * HelmCharts with the RBAC of {@code deploy/base}. Charts are pushed as {@code helm push} stores them and signed by
 * the local Sigstore.
 */
class HelmChartsThroughApiServerIT {

    static final String WORKFLOW = "release-chart.yaml";
    private static GateOnCluster gate;
    private static KubernetesClient admin;
    private static String ns;
    private static String charts;
    private static Digest signed;
    private static Digest unsigned;

    @BeforeAll
    static void start() {
        gate = GateOnCluster.shared();
        CustomResourceDefinitions.installFluxKinds(gate.plane(), "source-controller.yaml",
                Set.of("HelmRepository", "HelmChart"));
        CustomResourceDefinitions.installFluxKinds(gate.plane(), "helm-controller.yaml", Set.of("HelmRelease"));
        admin = gate.plane().adminClient();
        ns = TestNamespaces.create(admin, "charts");
        gate.applyPolicy(Serialization.unmarshal("""
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: fleet-charts}
                spec:
                  sources: ["oci://%s/acme/fleet-charts/*"]
                  authorities:
                    - trustedRoot: local
                      keyless:
                        issuer: https://token.actions.githubusercontent.com
                        github:
                          repository: acme/fleet-charts
                          workflow: .github/workflows/%s
                          refs: ["refs/tags/*"]
                """.formatted(gate.artifacts().host(), WORKFLOW), GenericKubernetesResource.class));
        charts = "acme/fleet-charts/" + SignedArtifacts.uniqueRepo("helm", "charts").replace('/', '-');
        signed = gate.artifacts().publishChart(charts, "frontend", "1.0.0");
        gate.artifacts().signBundle(charts + "/frontend", signed, signedOnTag(WORKFLOW, "1.0.0"));
        unsigned = gate.artifacts().publishChart(charts, "frontend", "1.1.0");
        Digest other = gate.artifacts().publishChart(charts, "backend", "2.0.0");
        gate.artifacts().signBundle(charts + "/backend", other, signedOnTag("debug.yaml", "2.0.0"));
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    static SigningRequest signedOnTag(String workflow, String tag) {
        return SigningRequest.keyless(Identity.github().repository("acme/fleet-charts").workflowFile(workflow)
                .ref("refs/tags/" + tag).build()).build();
    }

    static GenericKubernetesResource helmRepository(String name, String path) {
        return Serialization.unmarshal("""
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: HelmRepository
                metadata: {name: %s, namespace: %s}
                spec: {type: oci, interval: 10m, url: "oci://%s/%s"}
                """.formatted(name, ns, gate.artifacts().host(), path), GenericKubernetesResource.class);
    }

    static final String VERIFY = """
              verify:
                provider: cosign
                matchOIDCIdentity:
                  - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                    subject: ^https://github\\.com/acme/fleet-charts/\\.github/workflows/release-chart\\.yaml@refs/tags/.*$
            """;

    static GenericKubernetesResource helmChart(String name, String repository, String chart, String version) {
        return Serialization.unmarshal("""
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: HelmChart
                metadata: {name: %s, namespace: %s}
                spec:
                  interval: 10m
                  chart: %s
                  version: "%s"
                  sourceRef: {kind: HelmRepository, name: %s}
                %s""".formatted(name, ns, chart, version, repository, VERIFY), GenericKubernetesResource.class);
    }

    static GenericKubernetesResource helmRelease(String name, String repository, String version) {
        return Serialization.unmarshal("""
                apiVersion: helm.toolkit.fluxcd.io/v2
                kind: HelmRelease
                metadata: {name: %s, namespace: %s}
                spec:
                  interval: 10m
                  serviceAccountName: default
                  chart:
                    spec:
                      chart: frontend
                      version: "%s"
                      sourceRef: {kind: HelmRepository, name: %s}
                      valuesFiles: [values.yaml]
                      reconcileStrategy: ChartVersion
                %s""".formatted(name, ns, version, repository, VERIFY.indent(4)), GenericKubernetesResource.class);
    }

    @Test
    void aSignedChartIsAdmittedAndAnUnsignedOrOtherWorkflowsRefused() {
        admin.resource(helmRepository("charts", charts)).create();
        GenericKubernetesResource ok = admin.resource(helmChart("frontend-ok", "charts", "frontend", "1.0.0")).create();
        assertThat(ok.getMetadata().getUid()).isNotBlank();

        assertThatThrownBy(() -> admin.resource(helmChart("frontend-new", "charts", "frontend", "1.1.0")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
                .hasMessageContaining("admission webhook \"helmchart.fleetwarden.io\" denied the request: fleetwarden:")
                .hasMessageContaining(unsigned.toString())
                .hasMessageContaining("is not signed as policy fleet-charts requires: SIGNATURE_PRESENT");
        assertThatThrownBy(() -> admin.resource(helmChart("backend", "charts", "backend", "2.0.0")).create())
                .hasMessageContaining("helmchart.fleetwarden.io\" denied the request").hasMessageContaining("debug.yaml");
    }

    @Test
    void aVersionRangeThatResolvesToAnUnsignedChartIsRefused() {
        admin.resource(helmRepository("range-charts", charts)).create();
        assertThatThrownBy(() -> admin.resource(helmChart("frontend-latest", "range-charts", "frontend", ">=1.0.0")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
                .hasMessageContaining("helmchart.fleetwarden.io\" denied the request: fleetwarden: HelmChart " + ns
                        + "/frontend-latest (chart frontend version \">=1.0.0\")")
                .hasMessageContaining(":1.1.0@" + unsigned).hasMessageContaining("SIGNATURE_PRESENT");
        GenericKubernetesResource pinned = admin.resource(helmChart("frontend-1-0", "range-charts", "frontend", "~1.0"))
                .create();
        assertThat(pinned.getMetadata().getUid()).isNotBlank();
    }

    @Test
    void aHelmReleaseIsRefusedBeforeItsChartExistsSinceItsVerifyCannotNameASigner() {
        admin.resource(helmRepository("release-charts", charts)).create();
        // The API server prunes matchOIDCIdentity from chart.spec.verify (not in helm.toolkit.fluxcd.io/v2) before the
        // webhook is called: the HelmChart helm-controller would create could only accept any signer.
        assertThatThrownBy(() -> admin.resource(helmRelease("frontend", "release-charts", "1.0.0")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
                .hasMessageContaining("helmchart.fleetwarden.io\" denied the request: fleetwarden: HelmRelease " + ns
                        + "/frontend (chart frontend version \"1.0.0\")")
                .hasMessageContaining("must list at least one identity")
                .hasMessageContaining("pull the chart through spec.chartRef");
        // Through chartRef, the release pulls what its HelmChart (judged on its own, with a verify naming the
        // signer) pulls: this webhook leaves it to that one.
        admin.resource(helmChart("frontend-chart", "release-charts", "frontend", "1.0.0")).create();
        GenericKubernetesResource byRef = admin.resource(Serialization.unmarshal("""
                apiVersion: helm.toolkit.fluxcd.io/v2
                kind: HelmRelease
                metadata: {name: frontend-by-ref, namespace: %s}
                spec:
                  interval: 10m
                  serviceAccountName: default
                  chartRef: {kind: HelmChart, name: frontend-chart}
                """.formatted(ns), GenericKubernetesResource.class)).create();
        assertThat(byRef.getMetadata().getUid()).isNotBlank();
    }

    @Test
    void aChartAdmittedBeforeItsRepositoryExistsIsJudgedWhenTheRepositoryIsCreated() {
        GenericKubernetesResource early = admin.resource(helmChart("early", "later", "frontend", "1.1.0")).create();
        assertThat(early.getMetadata().getUid()).isNotBlank();

        assertThatThrownBy(() -> admin.resource(helmRepository("later", charts)).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
                .hasMessageContaining("admission webhook \"helmrepository.fleetwarden.io\" denied the request: "
                        + "fleetwarden: HelmRepository " + ns + "/later would serve HelmChart " + ns + "/early")
                .hasMessageContaining(unsigned.toString());
        admin.resource(early).delete();
        assertThat(admin.resource(helmRepository("later", charts)).create().getMetadata().getUid()).isNotBlank();
    }
}
