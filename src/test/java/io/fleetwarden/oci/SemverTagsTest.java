package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SemverTagsTest {

    /** What a Flux app repository typically holds: moving tags, commit tags, releases, release candidates. */
    private static final List<String> TAGS = List.of("latest", "latest-stable", "main-1a2b3c4d", "sha256-abc.sig",
            "v1.2.3", "1.2.4-rc.1", "1.2.4", "v1.3.0-beta.1", "v2.0.0", "2.1.0-rc.1", "v0.9.0", "1.2", "v3",
            "v10.0.0-alpha", "1.2.5+build.7", "prod-v1.9.0");

    @ParameterizedTest(name = "[{index}] {0} filter {1} -> {2}")
    @CsvSource(delimiter = ';', nullValues = "null", textBlock = """
            *;                 null;           v2.0.0
            >=1.0.0;           null;           v2.0.0
            ^1.2;              null;           1.2.5+build.7
            ~1.2.3;            null;           1.2.5+build.7
            1.2.x;             null;           1.2.5+build.7
            <1.2.5;            null;           1.2.4
            >= 1.2, < 2.0.0;   null;           1.2.5+build.7
            1.2.4;             null;           1.2.4
            ^0.9;              null;           v0.9.0
            >=1.3.0-0 <2.0.0;  null;           v1.3.0-beta.1
            >=2.0.0-0;         null;           v10.0.0-alpha
            >=1.2.4-0, <1.2.4; null;           1.2.4-rc.1
            ~2.1.0-rc.0;       null;           2.1.0-rc.1
            1.x || 2.x;        null;           v2.0.0
            >=3.0.0;           null;           null
            *;                 ^v;             v2.0.0
            *;                 ^v1\\.;         v1.2.3
            *;                 '^\\d+\\.\\d+\\.\\d+$'; 1.2.4
            *-0;               -rc\\.;         2.1.0-rc.1
            *;                 ^prod-;         null
            *;                 '';             v2.0.0
            """)
    void picksTheTagFluxWould(String constraint, String filter, String expected) {
        assertThat(SemverTags.highest(TAGS, SemverConstraint.parse(constraint), filter))
                .isEqualTo(Optional.ofNullable(expected));
    }

    @Test
    void filterIsUnanchoredAndAppliedBeforeParsing() {
        // "prod-v1.9.0" is not a version, so a filter that only keeps it leaves nothing: Flux does not strip
        // a matched prefix the way image-reflector-controller's extract does.
        assertThat(SemverTags.highest(TAGS, SemverConstraint.parse("*"), "v1\\.9")).isEmpty();
        assertThat(SemverTags.highest(TAGS, SemverConstraint.parse("*"), "2\\.")).contains("v2.0.0");
    }

    @Test
    void firstListedWinsAmongEqualPrecedence() {
        SemverConstraint any = SemverConstraint.parse("*");
        List<String> tags = List.of("1.0.0", "v1.0.0", "1.0.0+b", "v0.1.0");
        assertThat(SemverTags.highest(tags, any, null)).contains("1.0.0");
        assertThat(SemverTags.highest(List.of("v1.0.0", "1.0.0"), any, null)).contains("v1.0.0");
        assertThat(SemverTags.highestTies(tags, any, null)).containsExactly("1.0.0", "v1.0.0", "1.0.0+b");
        assertThat(SemverTags.highestTies(List.of("v0.1.0", "1.0.0"), any, null)).containsExactly("1.0.0");
    }

    @Test
    void leadingZerosAndShortFormsFollowFlux() {
        SemverConstraint any = SemverConstraint.parse("*");
        // v2025.02.03 is 2025.2.3 for Flux, newer than 2025.1.10; "2025.3" is skipped (two parts only).
        assertThat(SemverTags.highest(List.of("v2025.01.10", "v2025.02.03", "2025.3"), any, null))
                .contains("v2025.02.03");
        // "1.3-rc.1" has three dot-separated parts, so Flux reads it as 1.3.0-rc.1.
        assertThat(SemverTags.highest(List.of("1.2.0", "1.3-rc.1"), SemverConstraint.parse(">=1.0.0-0"), null))
                .contains("1.3-rc.1");
    }

    @Test
    void emptyListAndNullTagsYieldNothing() {
        assertThat(SemverTags.highest(List.of(), SemverConstraint.parse("*"), null)).isEmpty();
        assertThat(SemverTags.highest(java.util.Arrays.asList(null, "1.0.0"), SemverConstraint.parse("*"), null))
                .contains("1.0.0");
    }

    @Test
    void rejectsABadFilterWithItsReason() {
        assertThatThrownBy(() -> SemverTags.highest(TAGS, SemverConstraint.parse("*"), "v(1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid semverFilter \"v(1\": ")
                .hasMessageContaining("missing closing )");
        assertThatThrownBy(() -> SemverTags.highest(TAGS, SemverConstraint.parse("*"), "a".repeat(513)))
                .hasMessage("invalid semverFilter: 513 characters, at most 512 allowed");
        assertThatThrownBy(() -> SemverTags.highest(null, SemverConstraint.parse("*"), null))
                .hasMessage("tags and constraint are required");
    }
}
