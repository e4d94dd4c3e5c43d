package io.fleetwarden.policy.language;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dk.brics.automaton.Automaton;

/**
 * Exact languages of Go RE2 patterns as finite automata over Java strings (well-formed UTF-16), built by
 * {@link Re2Translator}. Flux matches {@code matchOIDCIdentity} patterns unanchored ({@link #unanchored});
 * fleetwarden's policies match whole values ({@link #whole}).
 *
 * <p>A pattern is refused ({@link Untranslatable}) when it is longer than {@link #MAX_PATTERN_CHARS}, when
 * RE2J cannot read it (Go may: {@code \p{Adlam}} on an older RE2J; reading it as "accepts nothing" would
 * pass a pattern Flux reads as "accepts everything"), or when the translator cannot build it exactly or
 * within {@link Budget#MAX_STATES}.
 */
public final class Languages {

    /**
     * 4 KiB: a D2 identity pattern is about 120 characters, and Kubernetes objects are written by people.
     * The bound is checked before anything else reads the pattern, so a 1 MB pattern costs nothing.
     */
    public static final int MAX_PATTERN_CHARS = 4096;

    private Languages() {
    }

    /** Texts in which {@code pattern} matches somewhere (Go's {@code regexp.MatchString}). */
    public static Automaton unanchored(String pattern) {
        Budget b = new Budget("the pattern");
        return translate(pattern, b).unanchored(b);
    }

    /** Texts {@code pattern} matches whole (RE2J's {@code Pattern.matches}). */
    public static Automaton whole(String pattern) {
        Budget b = new Budget("the pattern");
        return translate(pattern, b).whole(b);
    }

    public static Automaton literal(String s) {
        return Automaton.makeString(s);
    }

    /** Every well-formed string. */
    public static Automaton anyString() {
        return CodePoints.ANY_STRING.clone();
    }

    private static Anchored translate(String pattern, Budget b) {
        if (pattern.length() > MAX_PATTERN_CHARS) {
            throw new Untranslatable("the pattern is " + pattern.length() + " characters long; at most "
                    + MAX_PATTERN_CHARS + " are decided");
        }
        // Translated first, within the budget: RE2J expands counted repetitions while compiling, and
        // ((a{1000}){1000}){1000} would exhaust the heap there before any bound of ours could refuse it.
        Anchored language = Re2Translator.translate(pattern, b);
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new Untranslatable("RE2J cannot read the pattern (" + e.getDescription() + "); Flux's Go may, "
                    + "so it is refused rather than taken to accept nothing");
        }
        return language;
    }
}
