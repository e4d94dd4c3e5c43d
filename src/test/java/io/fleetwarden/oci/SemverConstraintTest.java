package io.fleetwarden.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Rows are "constraint; version; matches". Most come from Masterminds/semver v3.4.0 constraints_test.go so a
 * divergence from what Flux computes shows up here; versions are read loosely, as that test file does.
 */
class SemverConstraintTest {

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiter = ';', textBlock = """
            =2.0.0;      2.0.0;   true
            =2.0.0;      1.2.3;   false
            2.0.0;       2.0.0;   true
            = 2.0;       2.0.1;   true
            =2.0;        2.1.0;   false
            v1.2.3;      1.2.3;   true
            1.2.3+build; 1.2.3;   true
            !=4.1.0;     4.1.0;   false
            !=4.1.0;     4.1.1;   true
            !=4.1;       4.1.1;   false
            !=4.1;       5.1.0;   true
            !=4.x;       4.1.0;   false
            !=4.x;       5.1.0;   true
            !=4.1-alpha; 4.1.0;   true
            !=*;         1.0.0;   true
            !=*;         0.0.0;   false
            >1.1;        4.1.0;   true
            >1.1;        1.1.0;   false
            >1.1;        1.1.1;   false
            >11;         11.1.0;  false
            >11;         12.0.0;  true
            >1.2.3;      1.2.4;   true
            >1.2.3;      1.2.3;   false
            <1.1;        0.1.0;   true
            <1.1;        1.1.0;   false
            <1.x;        1.1.1;   false
            <1.x;        0.1.1;   true
            <1.1.x;      1.0.500; true
            >=1.1;       1.1.0;   true
            >=1.1;       0.0.9;   false
            =>1.1;       1.1.0;   true
            <=1.1;       1.1.1;   true
            <=1.1;       1.2.0;   false
            <=1.x;       1.9.0;   true
            <=2.x;       3.0.0;   false
            =<1.2.3;     1.2.3;   true
            =<1.2.3;     1.2.4;   false
            ~1.2.3;      1.2.9;   true
            ~1.2.3;      1.3.0;   false
            ~1.2.3;      1.2.2;   false
            ~1.2;        1.2.4;   true
            ~1;          1.9.0;   true
            ~1;          2.0.0;   false
            ~>1.2.3;     1.2.4;   true
            ~0.2.3;      0.2.5;   true
            ~0.2.3;      0.3.0;   false
            ~*;          2.1.1;   true
            ~0.0.0;      1.2.3;   true
            ^1.2.3;      1.8.9;   true
            ^1.2.3;      2.0.0;   false
            ^1.2.3;      1.2.2;   false
            ^1.2;        1.8.9;   true
            ^1;          1.8.9;   true
            ^1.x;        2.1.1;   false
            ^0.2.3;      0.2.5;   true
            ^0.2.3;      0.3.0;   false
            ^0.2;        0.2.9;   true
            ^0.0.3;      0.0.3;   true
            ^0.0.3;      0.0.4;   false
            ^0.0;        0.0.9;   true
            ^0.0;        0.1.0;   false
            ^0;          0.9.9;   true
            ^0;          1.0.0;   false
            ^0.0.0;      1.2.3;   false
            *;           4.5.6;   true
            x;           0.0.0;   true
            1.2.x;       1.2.7;   true
            1.2.x;       1.3.0;   false
            1.2.*;       1.2.0;   true
            1.x;         1.4.0;   true
            1.X;         2.0.0;   false
            2;           2.1.1;   true
            2;           3.0.0;   false
            0.x.x;       1.2.3;   false
            1.x.7;       1.0.0;   true
            1.1 - 2;     1.1.1;   true
            1.1 - 2;     2.9.9;   true
            1.1 - 2;     3.0.0;   false
            1.2 - 1.4.5; 1.4.5;   true
            1.2 - 1.4.5; 1.4.6;   false
            1.2 - 1.4.5; 1.1.9;   false
            v1.0.0 - v2.0.0; 2.0.0; true
            1.1-3;       4.3.2;   false
            1 - 2 || 4 - 5;         4.5.0; true
            1 - 2 || 4 - 5;         3.0.0; false
            1.0.0 - 2.0.0, <=1.5.0; 1.6.0; false
            1.0.0 - 2.0.0 <=2.0.0;  1.5.0; true
            >= 1.2, < 3.0.0;        2.9.9; true
            >= 1.2, < 3.0.0;        3.0.0; false
            >=1.1 <2 !=1.2.3;       1.2.3; false
            >=1.1 <2 !=1.2.3;       1.2.4; true
            >1.1    <3;             4.3.2; false
            >= 1.1 ,  <2;           1.5.0; true
            >=1.1, <2, !=1.2.3 || > 3; 4.1.2; true
            >=1.1, <2, !=1.2.3 || > 3; 3.0.0; false
            >=1.1, <2, !=1.2.3 || >= 3; 3.0.0; true
            1.0.0 || 2.0.0;         2.0.0; true
            1.0.0||2.0.0;           1.0.0; true
            """)
    void matchesLikeMasterminds(String constraint, String version, boolean expected) {
        assertThat(SemverConstraint.parse(constraint).matches(SemanticVersion.parseLoose(version)))
                .as("%s matches %s", constraint, version).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(delimiter = ';', textBlock = """
            *;                     1.2.3-alpha.1;  false
            >=1.1;                 4.1.0-beta;     false
            ^1.2.0;                1.2.1-alpha.1;  false
            ~1.1;                  1.1.1-alpha;    false
            !=4.1;                 5.1.0-alpha.1;  false
            *-0;                   1.2.3-alpha.1;  true
            >=0.0.0-0;             3.4.5-beta.1;   true
            >=0-0;                 0.0.1-alpha;    true
            >0.0.0-0;              0.0.0-alpha;    true
            <0-z;                  0.0.0-alpha;    true
            ^1.2.0-alpha.0;        1.2.1-alpha.1;  true
            ^1.2.0-alpha.2;        1.2.0-alpha.1;  false
            ^1.1.2-alpha;          1.2.1-beta1;    true
            ~1.2.3-beta.2;         1.2.3-beta.4;   true
            ~1.2.3-beta.2;         1.2.4-beta.2;   true
            ~1.2.3-beta.2;         1.3.4-beta.2;   false
            ~1.1.1-beta;           1.1.1-alpha;    false
            ~1.1.1-beta;           1.1.1;          true
            ^0.2.3-beta.2;         0.2.4-beta.2;   true
            >= 1.0.0-0, < 2.0.0;   1.5.0-rc.1;     true
            >= 1.0.0-0, < 2.0.0;   2.0.0-rc.1;     true
            < 2.0.0, >= 1.0.0-0;   1.5.0-rc.1;     true
            >= 1.0.0-0 || < 2.0.0; 1.5.0-rc.1;     true
            >= 3.0.0-0 || < 2.0.0; 1.5.0-rc.1;     false
            1.2.3-rc.1;            1.2.3-rc.1;     true
            1.2.3-rc.1;            1.2.3-rc.2;     false
            """)
    void prereleasesNeedAPrereleaseInTheirAndGroup(String constraint, String version, boolean expected) {
        assertThat(SemverConstraint.parse(constraint).matches(SemanticVersion.parseLoose(version)))
                .as("%s matches %s", constraint, version).isEqualTo(expected);
    }

    @Test
    void caretAndLessOrEqualOnAWildcardMajorKeepMastermindsQuirk() {
        // Masterminds documents ^* as "any", but its code leaves a 0.0.0 bound that the caret reads literally.
        assertThat(SemverConstraint.parse("^*").matches(SemanticVersion.parse("1.2.3"))).isFalse();
        assertThat(SemverConstraint.parse("^*").matches(SemanticVersion.parse("0.0.0"))).isTrue();
        assertThat(SemverConstraint.parse("<=*").matches(SemanticVersion.parse("0.0.9"))).isTrue();
        assertThat(SemverConstraint.parse("<=*").matches(SemanticVersion.parse("0.1.0"))).isFalse();
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = ';', textBlock = """
            '>= 1.2.3.4';      '"1.2.3.4" is not a version'
            '';                'it is empty'
            '   ';             'it is empty'
            foo;               '"foo" is not a version'
            '>= bar';          '"bar" is not a version'
            'BAR >= 1.2.3';    '"BAR" is not a version'
            '12.3.34~ 1.2.3';  '"12.3.34~" is not a version'
            '==1.2';           '"=1.2" is not a version'
            '>=';              '">=" has no version'
            '>= 1.2,';         'a clause is missing after ","'
            '>= 1.2,, < 2';    'unexpected ","'
            '1.2 ||';          'an alternative around "||" is empty'
            '|| 1.2';          'an alternative around "||" is empty'
            '>1.0<2.0';        '"1.0<2.0" is not a version'
            'V1.2.3';          '"V1.2.3" is not a version'
            '1.2.3-';          '"1.2.3-" is not a version'
            '1.2 -1.3';        '"-1.3" is not a version'
            '1.xx';            '"1.xx" is not a version'
            'x.1x';            '"x.1x" is not a version'
            '1.2.3|';          '"1.2.3|" is not a version'
            '1.2.3-01';        '"1.2.3-01" is not a version: numeric prerelease identifier "01" has a leading zero'
            '1.x-01';          '"1.x-01" is not a version: numeric prerelease identifier "01" has a leading zero'
            '>=18446744073709551616'; '"18446744073709551616" is not a version: number 18446744073709551616 does not fit in 64 bits'
            """)
    void rejectsInvalidConstraintsNamingTheBadPart(String constraint, String reason) {
        assertThatThrownBy(() -> SemverConstraint.parse(constraint)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid semver constraint \"" + constraint + "\": " + reason);
    }

    @Test
    void boundsLengthAndClauseCount() {
        assertThatThrownBy(() -> SemverConstraint.parse(null)).hasMessage("invalid semver constraint: it is null");
        String tooLong = ">=1.0.0 " + " ".repeat(250);
        assertThatThrownBy(() -> SemverConstraint.parse(tooLong))
                .hasMessage("invalid semver constraint: 258 characters, at most 256 allowed");
        String thirtyTwo = String.join(" || ", java.util.Collections.nCopies(32, "1"));
        assertThat(SemverConstraint.parse(thirtyTwo).matches(SemanticVersion.parse("1.0.0"))).isTrue();
        String thirtyThree = String.join(",", java.util.Collections.nCopies(33, "1"));
        assertThatThrownBy(() -> SemverConstraint.parse(thirtyThree))
                .hasMessage("invalid semver constraint \"" + thirtyThree + "\": more than 32 clauses");
    }

    @Test
    void leadingZerosInConstraintNumbersAreCoerced() {
        assertThat(SemverConstraint.parse(">= 01.02").matches(SemanticVersion.parse("1.2.0"))).isTrue();
        assertThat(SemverConstraint.parse(">= 1.2").toString()).isEqualTo(">= 1.2");
    }
}
