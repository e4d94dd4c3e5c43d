package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Chart versions as source-controller's OCI chart repository picks them (fluxcd/source-controller
 * internal/helm/repository/oci_chart_repository.go, Helm's registry client Tags, Masterminds/semver v3).
 */
class HelmChartTagsTest {

    /**
     * Masterminds/semver v3.5.0 version_test.go TestStrictNewVersion, row by row ("version; valid"; the rows with a
     * newline are left out: a tag cannot hold one): the grammar Helm's registry client keeps chart tags by.
     */
    @ParameterizedTest(name = "{0} strict: {1}")
    @CsvSource(delimiter = ';', textBlock = """
            1.2.3; true
            1.2.3-alpha.01; false
            1.2.3+test.01; true
            1.2.3-alpha.-1; true
            v1.2.3; false
            1.0; false
            v1.0; false
            1; false
            v1; false
            1.2; false
            1.2.beta; false
            v1.2.beta; false
            foo; false
            1.2-5; false
            v1.2-5; false
            1.2-beta.5; false
            v1.2-beta.5; false
            1.2.0-x.Y.0+metadata; true
            v1.2.0-x.Y.0+metadata; false
            1.2.0-x.Y.0+metadata-width-hypen; true
            v1.2.0-x.Y.0+metadata-width-hypen; false
            1.2.3-rc1-with-hypen; true
            1.2.3-0abc123; true
            1.2.3-beta.01; false
            v1.2.3-rc1-with-hypen; false
            1.2.3.4; false
            v1.2.3.4; false
            1.2.2147483648; true
            1.2147483648.3; true
            2147483648.3.0; true
            20221209-update-renovatejson-v4; false
            1.1.2+.123; false
            1.0.0-alpha_beta; false
            1.0.0-alpha..; false
            1.0.0-alpha..1; false
            01.1.1; false
            1.01.1; false
            1.1.01; false
            9.8.7+meta+meta; false
            1.2.31----RC-SNAPSHOT.12.09.1--.12+788; false
            1.2.3-0123; false
            1.2.3-0123.0123; false
            +invalid; false
            -invalid; false
            -invalid.01; false
            alpha+beta; false
            1.2.3-alpha_beta+foo; false
            1.0.0-alpha..1; false
            """)
    void strictVersionsAreMastermindsStrictNewVersion(String version, boolean valid) {
        assertThat(SemanticVersion.isStrict(version)).isEqualTo(valid);
    }

    @Test
    void anExactVersionIsPulledAsWrittenWithPlusAsUnderscore() {
        assertThat(HelmChartTags.exactTag("1.2.3")).contains("1.2.3");
        assertThat(HelmChartTags.exactTag("v1.2.3")).contains("v1.2.3");
        assertThat(HelmChartTags.exactTag("1.2.3-rc.1+build.5")).contains("1.2.3-rc.1_build.5");
        // fluxcd/pkg/version reads leading zeros (Masterminds coerces them), so the tag is pulled as written, never
        // matched against 1.2.3.
        assertThat(HelmChartTags.exactTag("01.2.3")).contains("01.2.3");
        assertThat(HelmChartTags.exactTag("v1.02.3")).contains("v1.02.3");
        // Not one exact version for Flux: a range, resolved against the tags.
        for (String range : new String[] {"1.2", "*", "", ">=1.0.0", "=1.2.3", "1.2.3-01", "1.2.x", "V1.2.3"}) {
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
