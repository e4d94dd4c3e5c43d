package io.fleetwarden.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class HelmChartSourceTest {

    static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void theChartIsAppendedToTheRepositoryPathAsGoPathJoinDoes() {
        assertThat(HelmChartSource.chartUrl("oci://ghcr.io/acme/charts", "podinfo")).isEqualTo("oci://ghcr.io/acme/charts/podinfo");
        assertThat(HelmChartSource.chartUrl("oci://ghcr.io/acme/charts/", "podinfo")).isEqualTo("oci://ghcr.io/acme/charts/podinfo");
        assertThat(HelmChartSource.chartUrl("oci://ghcr.io", "podinfo")).isEqualTo("oci://ghcr.io/podinfo");
        // What is pulled is judged, not what is written: .. leaves the repository's path.
        assertThat(HelmChartSource.chartUrl("oci://ghcr.io/acme/charts", "../../evil/app")).isEqualTo("oci://ghcr.io/evil/app");
        assertThat(HelmChartSource.chartUrl("oci://ghcr.io/acme", "../../../../x")).isEqualTo("oci://ghcr.io/x");
        assertThat(HelmChartSource.chartUrl("oci://ghcr.io/acme", "./sub//app")).isEqualTo("oci://ghcr.io/acme/sub/app");
    }

    @Test
    void aHelmChartNamesItsRepositoryInItsOwnNamespace() throws Exception {
        HelmChartSource.Request r = HelmChartSource.fromHelmChart(json("""
                {"metadata":{"name":"apps-podinfo","namespace":"apps"},
                 "spec":{"chart":"podinfo","sourceRef":{"kind":"HelmRepository","name":"charts"}}}"""));
        assertThat(r).isEqualTo(new HelmChartSource.ChartRequest("HelmChart", "apps", "HelmChart apps/apps-podinfo",
                "podinfo", "*", "charts", null));
    }

    @Test
    void aHelmReleaseNamesTheChartHelmControllerCreatesWhereTheRepositoryIs() throws Exception {
        HelmChartSource.Request r = HelmChartSource.fromHelmRelease(json("""
                {"metadata":{"name":"podinfo","namespace":"apps"},
                 "spec":{"chart":{"spec":{"chart":"podinfo","version":"6.x",
                   "sourceRef":{"kind":"HelmRepository","name":"charts","namespace":"flux-system"}}}}}"""));
        assertThat(r).isInstanceOfSatisfying(HelmChartSource.ChartRequest.class, c -> {
            assertThat(c.namespace()).isEqualTo("flux-system");
            assertThat(c.version()).isEqualTo("6.x");
            assertThat(c.what()).isEqualTo("HelmRelease apps/podinfo");
        });
        assertThat(HelmChartSource.fromHelmRelease(json("""
                {"metadata":{"name":"podinfo","namespace":"apps"},"spec":{"chart":{}}}""")))
                .isInstanceOfSatisfying(HelmChartSource.InvalidRequest.class, i -> assertThat(i.violations().toString())
                        .contains("spec.chart.spec: is required with spec.chart"));
        // A kustomize patch of a release (values only): the schema would refuse it alone, and it pulls nothing.
        assertThat(HelmChartSource.fromHelmRelease(json("""
                {"metadata":{"name":"podinfo","namespace":"apps"},"spec":{"values":{"replicas":2}}}""")))
                .isInstanceOf(HelmChartSource.NotFromHelmRepository.class);
    }

    @Test
    void theRepositoryGivesUrlCredentialsAndTransportTheObjectGivesVersionAndVerify() throws Exception {
        HelmChartSource.ChartRequest request = (HelmChartSource.ChartRequest) HelmChartSource.fromHelmChart(json("""
                {"metadata":{"name":"c","namespace":"apps"},
                 "spec":{"chart":"podinfo","version":"6.5.0+b1","sourceRef":{"kind":"HelmRepository","name":"charts"},
                   "verify":{"matchOIDCIdentity":[{"issuer":"^i$","subject":"^s$"}]}}}"""));
        HelmChartSource.Resolved resolved = HelmChartSource.resolve(request, json("""
                {"metadata":{"name":"charts","namespace":"apps"},
                 "spec":{"type":"oci","url":"oci://ghcr.io/acme/charts","secretRef":{"name":"pull"},"insecure":true,
                   "provider":"generic"}}"""));
        assertThat(resolved).isInstanceOfSatisfying(HelmChartSource.Valid.class, v -> {
            OciSource s = v.source();
            assertThat(s.repository().repositoryName()).isEqualTo("ghcr.io/acme/charts/podinfo");
            assertThat(s.tag()).isEqualTo("6.5.0_b1");
            assertThat(s.semver()).isNull();
            assertThat(s.chart()).isEqualTo(new OciSource.Chart("podinfo", "6.5.0+b1", "HelmChart"));
            assertThat(s.verify().provider()).isEqualTo("cosign");
            assertThat(s.verify().identities()).hasSize(1);
            assertThat(s.pullSecret()).isEqualTo("pull");
            assertThat(s.insecure()).isTrue();
            assertThat(s.namespace()).isEqualTo("apps");
        });
        assertThat(HelmChartSource.resolve(request, json("""
                {"spec":{"type":"oci","url":"oci://ghcr.io/acme/charts:1.0"}}""")))
                .isInstanceOf(HelmChartSource.Invalid.class);
    }
}
