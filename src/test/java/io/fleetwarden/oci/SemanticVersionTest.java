package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SemanticVersionTest {

    @ParameterizedTest(name = "tag {0} -> {1}")
    @CsvSource(delimiter = ';', textBlock = """
            1.2.3;                  1.2.3
            v1.2.3;                 1.2.3
            v2025.02.03;            2025.2.3
            0.0.0;                  0.0.0
            1.2.3-rc.1;             1.2.3-rc.1
            v1.2.0-x.Y.0+metadata;  1.2.0-x.Y.0+metadata
            1.2.3-rc1-with-hyphen;  1.2.3-rc1-with-hyphen
            1.2.3+build.007;        1.2.3+build.007
            1.2-rc.1;               1.2.0-rc.1
            1-rc.1.2;               1.0.0-rc.1.2
            1.2+build.5;            1.2.0+build.5
            18446744073709551615.0.0; 18446744073709551615.0.0
            """)
    void parsesTagsTheWayFluxDoes(String tag, String canonical) {
        assertThat(SemanticVersion.parse(tag)).hasToString(canonical);
        assertThat(SemanticVersion.isTagVersion(tag)).isTrue();
    }

    @ParameterizedTest(name = "tag {0} rejected: {1}")
    @CsvSource(delimiter = ';', textBlock = """
            latest;           Flux needs MAJOR.MINOR.PATCH (three dot-separated parts)
            1.2;              Flux needs MAJOR.MINOR.PATCH (three dot-separated parts)
            v1;               Flux needs MAJOR.MINOR.PATCH (three dot-separated parts)
            v1.2-beta5;       Flux needs MAJOR.MINOR.PATCH (three dot-separated parts)
            main-1a2b3c4d;    Flux needs MAJOR.MINOR.PATCH (three dot-separated parts)
            1.2.3.4;          expected [v]MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD]
            V1.2.3;           expected [v]MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD]
            v1.2.beta;        expected [v]MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD]
            1.2.3-;           expected [v]MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD]
            1.2.3-rc..1;      prerelease "rc..1" must be dot-separated [0-9A-Za-z-] identifiers
            1.2.3-rc.01;      numeric prerelease identifier "01" has a leading zero
            1.2.3+a_b;        build metadata "a_b" must be dot-separated [0-9A-Za-z-] identifiers
            1.2.3-a+b+c;      build metadata "b+c" must be dot-separated [0-9A-Za-z-] identifiers
            18446744073709551616.0.0; number 18446744073709551616 does not fit in 64 bits
            """)
    void rejectsWhatFluxSkips(String tag, String reason) {
        assertThat(SemanticVersion.isTagVersion(tag)).isFalse();
        assertThatThrownBy(() -> SemanticVersion.parse(tag)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid version \"" + tag + "\": " + reason);
    }

    @Test
    void rejectsNullAndOverlongTags() {
        assertThatThrownBy(() -> SemanticVersion.parse(null)).hasMessage("invalid version \"null\": it is null");
        String huge = "1.2.3-" + "a".repeat(300);
        assertThatThrownBy(() -> SemanticVersion.parse(huge)).hasMessageEndingWith(": longer than 256 characters");
        assertThatThrownBy(() -> SemanticVersion.parse("1.2.3\n"))
                .hasMessageEndingWith("expected [v]MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD]");
    }

    @ParameterizedTest(name = "loose {0} -> {1}")
    @CsvSource(delimiter = ';', textBlock = """
            1;        1.0.0
            v1.2;     1.2.0
            1.2-rc.1; 1.2.0-rc.1
            01.02.03; 1.2.3
            """)
    void looseParsingCoercesLikeNewVersion(String text, String canonical) {
        assertThat(SemanticVersion.parseLoose(text)).hasToString(canonical);
    }

    @Test
    void ordersBySemverPrecedence() {
        List<String> ascending = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "1.10.0", "2.0.0",
                "9223372036854775808.0.0");
        List<SemanticVersion> shuffled = new ArrayList<>(ascending.stream().map(SemanticVersion::parse).toList());
        Collections.reverse(shuffled);
        Collections.sort(shuffled);
        assertThat(shuffled).extracting(SemanticVersion::toString).containsExactlyElementsOf(ascending);
    }

    @Test
    void ignoresBuildMetadataAndPrefixWhenComparing() {
        assertThat(SemanticVersion.parse("v1.0.0+a").compareTo(SemanticVersion.parse("1.0.0+b"))).isZero();
        assertThat(SemanticVersion.parse("1.0.0+a")).isNotEqualTo(SemanticVersion.parse("1.0.0+b"));
        assertThat(SemanticVersion.parse("v1.0.0")).isEqualTo(SemanticVersion.parse("1.0.0"));
        // A numeric identifier too long for 64 bits is compared as text, as Go's ParseUint makes it.
        assertThat(SemanticVersion.parse("1.0.0-99999999999999999999")
                .compareTo(SemanticVersion.parse("1.0.0-alpha"))).isNegative();
        assertThat(SemanticVersion.parse("1.0.0-99999999999999999999")
                .compareTo(SemanticVersion.parse("1.0.0-5"))).isPositive();
    }

    @Test
    void constructorKeepsInvariants() {
        assertThatThrownBy(() -> new SemanticVersion(1, 0, 0, "01", ""))
                .hasMessage("invalid semantic version: numeric prerelease identifier \"01\" has a leading zero");
        assertThat(new SemanticVersion(-1, 0, 0, "", "")).hasToString("18446744073709551615.0.0");
    }
}
