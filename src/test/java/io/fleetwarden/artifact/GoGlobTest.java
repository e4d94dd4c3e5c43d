package io.fleetwarden.artifact;

import static io.fleetwarden.artifact.GoGlob.Result.BAD_PATTERN;
import static io.fleetwarden.artifact.GoGlob.Result.MATCH;
import static io.fleetwarden.artifact.GoGlob.Result.NO_MATCH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link GoGlob}: Go's {@code path/filepath.Match}, including where it surprises. Every expectation here was also
 * answered by Go itself ({@code flux-oracle match}); {@link SourceIgnoreDifferentialTest} compares thousands more.
 */
class GoGlobTest {

    @Test
    void aStarSpansAnythingButASeparator() {
        assertThat(match("*.yaml", "app.yaml")).isEqualTo(MATCH);
        assertThat(match("*.yaml", ".yaml")).isEqualTo(MATCH);
        assertThat(match("*.yaml", "a/app.yaml")).isEqualTo(NO_MATCH);
        assertThat(match("*", "")).isEqualTo(MATCH);
        assertThat(match("*", "a/b")).isEqualTo(NO_MATCH);
        assertThat(match("*a*b", "xaybzb")).isEqualTo(MATCH);
        assertThat(match("*a*b", "a/b")).isEqualTo(NO_MATCH);
        assertThat(match("", "")).isEqualTo(MATCH);
        assertThat(match("", "a")).isEqualTo(NO_MATCH);
    }

    @Test
    void aQuestionMarkIsOneCharacterButNotASeparator() {
        assertThat(match("a?c", "abc")).isEqualTo(MATCH);
        assertThat(match("a?c", "aéc")).isEqualTo(MATCH);
        assertThat(match("a?c", "a/c")).isEqualTo(NO_MATCH);
        assertThat(match("a?c", "ac")).isEqualTo(NO_MATCH);
    }

    @Test
    void aStarResumesInsideAMultiByteCharacterAsGoWorksOnBytes() {
        // After "*" skips the first byte of "€" (3 bytes), each of the two left reads as one invalid rune.
        assertThat(match("*??", "€")).isEqualTo(MATCH);
        assertThat(match("*??", "é")).isEqualTo(NO_MATCH);
        assertThat(match("*??", "a")).isEqualTo(NO_MATCH);
    }

    @Test
    void classesTakeRangesAndCaretNegationButNotExclamation() {
        assertThat(match("[a-c]x", "bx")).isEqualTo(MATCH);
        assertThat(match("[a-c]x", "Bx")).isEqualTo(NO_MATCH);
        assertThat(match("[^a-c]x", "dx")).isEqualTo(MATCH);
        assertThat(match("[^a-c]x", "bx")).isEqualTo(NO_MATCH);
        // A negated class matches a separator, unlike "?" and "*".
        assertThat(match("[^a-c]x", "/x")).isEqualTo(MATCH);
        assertThat(match("[!a]", "!")).isEqualTo(MATCH);
        assertThat(match("[!a]", "a")).isEqualTo(MATCH);
        assertThat(match("[!a]", "b")).isEqualTo(NO_MATCH);
        assertThat(match("[z-a]", "m")).isEqualTo(NO_MATCH);
    }

    @Test
    void aBackslashMakesTheNextCharacterLiteralInAndOutOfClasses() {
        assertThat(match("\\*", "*")).isEqualTo(MATCH);
        assertThat(match("\\*", "a")).isEqualTo(NO_MATCH);
        assertThat(match("[\\]]", "]")).isEqualTo(MATCH);
        assertThat(match("[\\]]", "\\")).isEqualTo(NO_MATCH);
    }

    @Test
    void aMalformedPatternIsReportedOnlyWhenMatchingReachesIt() {
        assertThat(match("a*[", "b")).isEqualTo(NO_MATCH);
        assertThat(match("a*[", "ab")).isEqualTo(BAD_PATTERN);
        assertThat(match("a*[", "a")).isEqualTo(BAD_PATTERN);
        assertThat(match("[a-]", "a")).isEqualTo(BAD_PATTERN);
        assertThat(match("x\\", "x")).isEqualTo(BAD_PATTERN);
        assertThat(match("[]a]", "]")).isEqualTo(BAD_PATTERN);
        assertThat(match("[^]", "^")).isEqualTo(BAD_PATTERN);
        assertThat(match("[]", "a")).isEqualTo(BAD_PATTERN);
        assertThat(GoGlob.compile("[").matches("[")).isFalse();
    }

    @Test
    void aBudgetBoundsTheComparisonsOfASeriesOfMatches() {
        GoGlob starHeavy = GoGlob.compile("*a*a*a*a*a*b");
        byte[] name = "a".repeat(200).getBytes(StandardCharsets.UTF_8);
        GoGlob.Budget budget = new GoGlob.Budget(10_000);

        assertThat(starHeavy.match(name, 0, name.length, budget)).isEqualTo(NO_MATCH);
        assertThatThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                starHeavy.match(name, 0, name.length, budget);
            }
        }).isInstanceOf(GoGlob.Budget.Exhausted.class);
    }

    private static GoGlob.Result match(String pattern, String name) {
        return GoGlob.compile(pattern).match(name);
    }
}
