package io.fleetwarden.oci;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.fleetwarden.oci.SemverClause.Operator;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Masterminds/semver v3.4.0 constraint syntax ({@code NewConstraint}): hyphen ranges rewritten first,
 * then {@code ||} alternatives, each a list of clauses separated by whitespace or a comma; a clause is an
 * optional operator, optional whitespace, and a version whose parts may be {@code x}, {@code X} or
 * {@code *}. Whitespace is Go's {@code \s} (space, tab, CR, LF, FF).
 *
 * <p>Deliberately stricter than Masterminds in one corner: its version regex lets a part be any run of
 * digits, x, X, * and |, and ignores parts after a wildcard, so {@code x.1x} or {@code 1.x.|} parse there.
 * Here a part must be digits or a single wildcard character.
 */
final class SemverConstraintParser {

    static final int MAX_LENGTH = 256;
    static final int MAX_CLAUSES = 32;

    // Masterminds cvRegex and constraintRangeRegex, verbatim: RE2J has Go's regexp semantics, so the range
    // rewrite finds the same spans Flux's does.
    private static final String CV = "v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?"
            + "(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?";
    private static final Pattern RANGE = Pattern.compile("\\s*(" + CV + ")\\s+-\\s+(" + CV + ")\\s*");

    private final String original;
    private final String text;
    private int pos;
    private int clauses;

    private SemverConstraintParser(String original) {
        this.original = original;
        this.text = rewriteRanges(original);
    }

    /** The AND groups of {@code constraint}, OR-ed; throws with a message naming the bad part. */
    static List<List<SemverClause>> parse(String constraint) {
        if (constraint == null) {
            throw new IllegalArgumentException("invalid semver constraint: it is null");
        }
        if (constraint.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("invalid semver constraint: " + constraint.length()
                    + " characters, at most " + MAX_LENGTH + " allowed");
        }
        return new SemverConstraintParser(constraint).groups();
    }

    /** {@code A - B} becomes {@code >= A, <= B }, exactly as Masterminds rewriteRange does it. */
    private static String rewriteRanges(String c) {
        String out = c;
        Matcher m = RANGE.matcher(c);
        while (m.find()) {
            String replacement = ">= " + m.group(1) + ", <= " + m.group(11) + " ";
            // Go's strings.Replace(o, match, t, 1): the first occurrence, and nothing if it is gone.
            int at = out.indexOf(m.group());
            if (at >= 0) {
                out = out.substring(0, at) + replacement + out.substring(at + m.group().length());
            }
        }
        return out;
    }

    private List<List<SemverClause>> groups() {
        if (isBlank(text)) {
            throw fail("it is empty");
        }
        List<List<SemverClause>> groups = new ArrayList<>();
        for (String alternative : text.split("\\|\\|", -1)) {
            if (isBlank(alternative)) {
                throw fail("an alternative around \"||\" is empty");
            }
            groups.add(group(alternative));
        }
        return groups;
    }

    private List<SemverClause> group(String alternative) {
        List<SemverClause> group = new ArrayList<>();
        pos = 0;
        skipSpace(alternative);
        while (true) {
            if (++clauses > MAX_CLAUSES) {
                throw fail("more than " + MAX_CLAUSES + " clauses");
            }
            // A clause's version runs up to whitespace, a comma or the end, so what follows it is one of
            // those: whitespace alone separates clauses (AND), as does a comma with optional whitespace.
            group.add(clause(alternative));
            skipSpace(alternative);
            if (pos == alternative.length()) {
                return group;
            }
            if (alternative.charAt(pos) == ',') {
                pos++;
                skipSpace(alternative);
                if (pos == alternative.length()) {
                    throw fail("a clause is missing after \",\"");
                }
            }
        }
    }

    private SemverClause clause(String s) {
        int start = pos;
        Operator op = operator(s);
        skipSpace(s);
        int versionStart = pos;
        while (pos < s.length() && !isSpace(s.charAt(pos)) && s.charAt(pos) != ',') {
            pos++;
        }
        String version = s.substring(versionStart, pos);
        if (version.isEmpty()) {
            String operatorText = s.substring(start, pos).strip();
            throw fail(operatorText.isEmpty() ? "unexpected \"" + s.charAt(pos) + "\""
                    : "\"" + operatorText + "\" has no version");
        }
        return SemverClauseVersion.read(op, version, s.substring(start, pos), this::fail);
    }

    private Operator operator(String s) {
        String[][] symbols = {{"!=", "NE"}, {">=", "GE"}, {"=>", "GE"}, {"<=", "LE"}, {"=<", "LE"}, {"~>", "TILDE"},
            {">", "GT"}, {"<", "LT"}, {"=", "EQ"}, {"~", "TILDE"}, {"^", "CARET"}};
        for (String[] symbol : symbols) {
            if (s.startsWith(symbol[0], pos)) {
                pos += symbol[0].length();
                return Operator.valueOf(symbol[1]);
            }
        }
        return Operator.EQ;
    }

    IllegalArgumentException fail(String reason) {
        return new IllegalArgumentException("invalid semver constraint \"" + original + "\": " + reason);
    }

    private void skipSpace(String s) {
        while (pos < s.length() && isSpace(s.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isBlank(String s) {
        return s.chars().allMatch(c -> isSpace((char) c));
    }

    /** Go regexp {@code \s}: not Java's Character.isWhitespace, which also accepts \u000B and Unicode. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }
}
