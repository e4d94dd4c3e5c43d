package io.fleetwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobAndStringMatchTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
            "oci://ghcr.io/acme/apps/*, oci://ghcr.io/acme/apps/frontend, true",
            "oci://ghcr.io/acme/apps/*, oci://ghcr.io/acme/apps/team/frontend, true",
            "oci://ghcr.io/acme/apps/*, oci://ghcr.io/acme/apps-evil/frontend, false",
            "oci://ghcr.io/acme/apps/*, oci://ghcr.io/acme/apps, false",
            "refs/tags/*, refs/tags/frontend/v1.2.3, true",
            "refs/heads/main, refs/heads/main2, false",
            "*, '', true",
            "a.b, axb, false",
    })
    void globsMatchAnyRunButNothingElseIsSpecial(String pattern, String value, boolean expected) {
        assertThat(Glob.matches(pattern, value)).isEqualTo(expected);
    }

    @Test
    void aHostileValueDoesNotStallTheMatcher() {
        String value = "a".repeat(100_000);
        assertThat(Glob.matches("*a*a*a*a*a*a*a*a*b", value)).isFalse();
    }

    @Test
    void regexMustMatchTheWholeValueUnlikeFlux() {
        StringMatch m = StringMatch.regex("https://github\\.com/acme/fleet/.*");
        assertThat(m.matches("https://github.com/acme/fleet/.github/workflows/x.yaml@refs/heads/main")).isTrue();
        assertThat(m.matches("evil https://github.com/acme/fleet/x")).isFalse();
        assertThat(StringMatch.regex("github\\.com/acme/fleet").matches("https://github.com/acme/fleet-evil")).isFalse();
    }

    @Test
    void regexUsesRe2SyntaxAndSaysWhatIsWrong() {
        // Backreferences are not RE2 (and would allow catastrophic backtracking in java.util.regex).
        assertThatThrownBy(() -> StringMatch.regex("(a)\\1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid RE2 regular expression: ");
        assertThat(StringMatch.regex("^(?P<org>acme)/.*$").matches("acme/x")).isTrue();
    }

    @Test
    void exactMatchIsCaseAndWhitespaceSensitive() {
        StringMatch m = StringMatch.exact("https://token.actions.githubusercontent.com");
        assertThat(m.matches("https://token.actions.githubusercontent.com")).isTrue();
        assertThat(m.matches("https://token.actions.githubusercontent.com ")).isFalse();
        assertThat(m.matches("HTTPS://token.actions.githubusercontent.com")).isFalse();
        assertThat(m.matches(null)).isFalse();
    }
}
