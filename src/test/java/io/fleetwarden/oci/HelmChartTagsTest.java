package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Chart versions as source-controller's OCI chart repository picks them (fluxcd/source-controller
 * internal/helm/repository/oci_chart_repository.go, Helm's registry client Tags, Masterminds/semver v3).
 */
class HelmChartTagsTest {

    @Test
    void anExactVersionIsPulledAsWrittenWithPlusAsUnderscore() {
        assertThat(HelmChartTags.exactTag("1.2.3")).contains("1.2.3");
        assertThat(HelmChartTags.exactTag("v1.2.3")).contains("v1.2.3");
        assertThat(HelmChartTags.exactTag("1.2.3-rc.1+build.5")).contains("1.2.3-rc.1_build.5");
        // Not one exact version by Masterminds' strict grammar: a range, resolved against the tags.
        for (String range : new String[] {"1.2", "*", "", ">=1.0.0", "=1.2.3", "01.2.3", "1.2.3-01", "1.2.x", "V1.2.3"}) {
            assertThat(HelmChartTags.exactTag(range)).as(range).isEmpty();
        }
        assertThat(HelmChartTags.exactTag(null)).isEmpty();
    }

    @Test
    void onlyStrictVersionTagsCountAndUnderscoreReadsAsPlus() {
        List<String> tags = List.of("latest", "v9.0.0", "9.0", "1.0.0", "1.1.0", "1.1.5_build.1", "2.0.0-rc.1",
                "01.9.9", "sha256-abc.sig");
        assertThat(HelmChartTags.select("*", tags)).containsExactly("1.1.5_build.1");
        assertThat(HelmChartTags.select("", tags)).containsExactly("1.1.5_build.1");
        assertThat(HelmChartTags.select(null, tags)).containsExactly("1.1.5_build.1");
        assertThat(HelmChartTags.select("~1.0", tags)).containsExactly("1.0.0");
        assertThat(HelmChartTags.select("<1.1.5", tags)).containsExactly("1.1.0");
        // A prerelease only when the constraint names one.
        assertThat(HelmChartTags.select(">=1.0.0", tags)).containsExactly("1.1.5_build.1");
        assertThat(HelmChartTags.select(">=1.0.0-0", tags)).containsExactly("2.0.0-rc.1");
        assertThat(HelmChartTags.select(">=3.0.0", tags)).isEmpty();
    }

    @Test
    void versionsDifferingOnlyInBuildMetadataAreTies() {
        assertThat(HelmChartTags.select("1.x", List.of("1.0.0_a", "0.9.0", "1.0.0_b"))).containsExactly("1.0.0_a",
                "1.0.0_b");
    }

    @Test
    void aConstraintThatDoesNotParseIsAnError() {
        assertThatThrownBy(() -> HelmChartTags.select(">=> 1", List.of("1.0.0")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
