package io.fleetwarden.policy.language;

import dk.brics.automaton.Automaton;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Go RE2 syntax (as {@code regexp.Compile} does: Perl flags, single-line, classes may match newline)
 * into its exact language ({@link Anchored}). Supported: literals and escapes ({@code \.}, {@code \n},
 * {@code \x41}, {@code \x{263a}}, octal, {@code \Q..\E}), classes incl. negated and ranges, Perl classes
 * {@code \d \w \s} and their negations, ASCII POSIX classes {@code [[:alpha:]]}, {@code .} (newline only
 * with {@code (?s)}), {@code ^ $ \A \z}, alternation, groups of every kind, {@code * + ? {n} {n,} {n,m}}
 * greedy or lazy (the same language), and the flags {@code i} (ASCII), {@code s} and {@code U}.
 *
 * <p>Refused, with the construct named: {@code \b \B} (word boundaries), {@code \p \P} (Unicode classes:
 * Go's and Java's Unicode tables differ by version), {@code \C}, {@code (?m)} multi-line anchors, and
 * {@code (?i)} on non-ASCII characters. The input has already been accepted by RE2J, so syntax errors here
 * are refusals too.
 */
final class Re2Translator {

    private static final int MAX_REPEAT = 1000;

    private final int[] cps;
    private final Budget budget;
    private int pos;

    private Re2Translator(String pattern, Budget budget) {
        this.cps = pattern.codePoints().toArray();
        this.budget = budget;
    }

    static Anchored translate(String pattern, Budget budget) {
        Re2Translator t = new Re2Translator(pattern, budget);
        Anchored a = t.alternation(new Flags());
        if (t.pos != t.cps.length) {
            throw Untranslatable.syntax("unexpected ')' at offset " + t.pos);
        }
        return a;
    }

    /** Flags last until the end of the group they are set in, across its alternatives (as in Go). */
    private static final class Flags {
        boolean fold;
        boolean dotNewline;
        boolean multiLine;

        Flags copy() {
            Flags f = new Flags();
            f.fold = fold;
            f.dotNewline = dotNewline;
            f.multiLine = multiLine;
            return f;
        }
    }

    private Anchored alternation(Flags flags) {
        Anchored out = concatenation(flags);
        while (more() && peek() == '|') {
            pos++;
            out = out.union(concatenation(flags), budget);
        }
        return out;
    }

    /**
     * Runs of anchor-free items are concatenated by brics in one pass (linear); only items with anchors go
     * through {@link Anchored#concat}, which copies what it is given.
     */
    private Anchored concatenation(Flags flags) {
        Anchored out = Anchored.of(Automaton.makeEmptyString());
        List<Automaton> run = new ArrayList<>();
        while (more() && peek() != '|' && peek() != ')') {
            Anchored atom = atom(flags);
            if (atom == null) {
                continue; // a flag group such as (?i): no text of its own
            }
            atom = repetitions(atom);
            if (atom.plain()) {
                run.add(atom.none());
                continue;
            }
            out = flush(out, run).concat(atom, budget);
        }
        return flush(out, run);
    }

    private Anchored flush(Anchored out, List<Automaton> run) {
        if (run.isEmpty()) {
            return out;
        }
        Automaton joined = budget.check(Automaton.concatenate(run));
        run.clear();
        return out.concat(Anchored.of(joined), budget);
    }

    private Anchored repetitions(Anchored atom) {
        boolean repeated = false;
        while (more()) {
            int c = peek();
            int[] range;
            if (c == '*') {
                range = new int[] {0, -1};
                pos++;
            } else if (c == '+') {
                range = new int[] {1, -1};
                pos++;
            } else if (c == '?') {
                range = new int[] {0, 1};
                pos++;
            } else if (c == '{' && (range = repeatCount()) != null) {
                // consumed by repeatCount
            } else {
                return atom;
            }
            if (repeated) {
                throw Untranslatable.syntax("nested repetition operator at offset " + pos);
            }
            repeated = true;
            if (more() && peek() == '?') {
                pos++; // lazy: another preference, the same language
            }
            atom = range[0] == 0 && range[1] == -1 ? atom.star(budget) : atom.repeat(range[0], range[1], budget);
        }
        return atom;
    }

    /** {@code {n}}, {@code {n,}} or {@code {n,m}} at pos (consumed), or null (then '{' is a literal, as in Go). */
    private int[] repeatCount() {
        int p = pos + 1;
        int start = p;
        while (p < cps.length && Character.isDigit(cps[p]) && cps[p] < 0x80) {
            p++;
        }
        if (p == start) {
            return null;
        }
        int min = parseCount(start, p);
        int max = min;
        if (p < cps.length && cps[p] == ',') {
            p++;
            int s2 = p;
            while (p < cps.length && cps[p] >= '0' && cps[p] <= '9') {
                p++;
            }
            max = p == s2 ? -1 : parseCount(s2, p);
        }
        if (p >= cps.length || cps[p] != '}') {
            return null;
        }
        if (min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && max < min)) {
            throw Untranslatable.syntax("invalid repeat count at offset " + pos);
        }
        pos = p + 1;
        return new int[] {min, max};
    }

    private int parseCount(int from, int to) {
        if (to - from > 4) {
            return MAX_REPEAT + 1;
        }
        return Integer.parseInt(new String(cps, from, to - from));
    }

    private Anchored atom(Flags flags) {
        int c = next();
        switch (c) {
            case '(':
                return group(flags);
            case '[':
                return chars(CharClass.parse(this, flags.fold));
            case '.':
                return chars(flags.dotNewline ? CodePointSet.of(0, CodePointSet.MAX)
                        : CodePointSet.of('\n', '\n').negated());
            case '^':
                noMultiLine(flags);
                return Anchored.begin();
            case '$':
                noMultiLine(flags);
                return Anchored.finish();
            case '*', '+', '?':
                throw Untranslatable.syntax("missing argument to repetition operator at offset " + (pos - 1));
            case '\\':
                return escape(flags);
            default:
                return literal(c, flags);
        }
    }

    private Anchored group(Flags flags) {
        Flags inner = flags.copy();
        if (more() && peek() == '?') {
            pos++;
            if (more() && (peek() == 'P' || peek() == '<')) {
                skipName();
            } else if (flagGroup(inner)) {
                // (?flags): they hold for the rest of the enclosing group
                flags.fold = inner.fold;
                flags.dotNewline = inner.dotNewline;
                flags.multiLine = inner.multiLine;
                return null;
            }
        }
        Anchored body = alternation(inner);
        if (!more() || next() != ')') {
            throw Untranslatable.syntax("missing closing )");
        }
        return body;
    }

    private void skipName() {
        while (more() && next() != '>') {
            // capture names do not change the language
        }
    }

    /** Reads {@code flags)} or {@code flags:}; true for the first (no group body follows). */
    private boolean flagGroup(Flags f) {
        boolean negate = false;
        while (more()) {
            int c = next();
            switch (c) {
                case 'i' -> f.fold = !negate;
                case 's' -> f.dotNewline = !negate;
                case 'm' -> f.multiLine = !negate;
                case 'U' -> {
                    // ungreedy: another preference, the same language
                }
                case '-' -> negate = true;
                case ')' -> {
                    return true;
                }
                case ':' -> {
                    return false;
                }
                default -> throw Untranslatable.syntax("unknown flag in (?" + Character.toString(c) + ")");
            }
        }
        throw Untranslatable.syntax("missing closing )");
    }

    private Anchored escape(Flags flags) {
        if (!more()) {
            throw Untranslatable.syntax("trailing backslash");
        }
        int c = peek();
        switch (c) {
            case 'A':
                pos++;
                return Anchored.begin();
            case 'z':
                pos++;
                return Anchored.finish();
            case 'b', 'B':
                throw new Untranslatable("\\" + (char) c + " (word boundary) has no exact translation; "
                        + "write the characters around it explicitly");
            case 'C':
                throw new Untranslatable("\\C (any byte) has no exact translation");
            case 'Q':
                pos++;
                return quoted(flags);
            default:
                CodePointSet perl = perlClass(flags.fold);
                return perl != null ? chars(perl) : literal(escapedChar(), flags);
        }
    }

    private Anchored quoted(Flags flags) {
        Anchored out = Anchored.of(Automaton.makeEmptyString());
        while (more()) {
            if (peek() == '\\' && pos + 1 < cps.length && cps[pos + 1] == 'E') {
                pos += 2;
                break;
            }
            out = out.concat(literal(next(), flags), budget);
        }
        return out;
    }

    /** {@code \d \D \s \S \w \W} at pos (after the backslash), consumed; null when pos is not one. */
    CodePointSet perlClass(boolean fold) {
        int c = peek();
        CodePointSet base = switch (Character.toLowerCase(c)) {
            case 'd' -> CodePoints.digit();
            case 's' -> CodePoints.perlSpace();
            case 'w' -> CodePoints.word();
            default -> null;
        };
        if (base == null || c > 0x7F) {
            if (c == 'p' || c == 'P') {
                throw new Untranslatable("\\" + (char) c + unicodeClassName() + " (Unicode class) has no exact "
                        + "translation (Go's and Java's Unicode tables differ)");
            }
            return null;
        }
        pos++;
        // Go folds a class before negating it (appendGroup)
        CodePointSet set = fold ? base.folded() : base;
        return Character.isUpperCase(c) ? set.negated() : set;
    }

    private String unicodeClassName() {
        int p = pos + 1;
        if (p < cps.length && cps[p] == '{') {
            int end = p;
            while (end < cps.length && cps[end] != '}') {
                end++;
            }
            return new String(cps, p, Math.min(end + 1, cps.length) - p);
        }
        return p < cps.length ? Character.toString(cps[p]) : "";
    }

    /** One escaped character at pos (after the backslash), consumed. */
    int escapedChar() {
        int c = next();
        switch (c) {
            case 'a':
                return 7;
            case 'f':
                return '\f';
            case 't':
                return '\t';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 'v':
                return 0x0B;
            case 'x':
                return hexEscape();
            default:
                break;
        }
        if (c >= '0' && c <= '7') {
            // Go: \1..\7 alone would be a backreference (unsupported); \0 and \NN... are octal, up to 3 digits
            if (c != '0' && (!more() || peek() < '0' || peek() > '7')) {
                throw Untranslatable.syntax("backreference \\" + (char) c + " does not exist in RE2");
            }
            int r = c - '0';
            for (int i = 1; i < 3 && more() && peek() >= '0' && peek() <= '7'; i++) {
                r = r * 8 + next() - '0';
            }
            return r;
        }
        if (c < 0x80 && !Character.isLetterOrDigit(c)) {
            return c;
        }
        throw Untranslatable.syntax("invalid escape \\" + Character.toString(c));
    }

    private int hexEscape() {
        if (more() && peek() == '{') {
            pos++;
            int start = pos;
            while (more() && peek() != '}') {
                pos++;
            }
            if (!more() || pos == start || pos - start > 8) {
                throw Untranslatable.syntax("invalid \\x{...} escape");
            }
            int v = hex(start, pos);
            pos++;
            if (v > CodePointSet.MAX) {
                throw Untranslatable.syntax("invalid \\x{...} escape");
            }
            return v;
        }
        if (pos + 2 > cps.length) {
            throw Untranslatable.syntax("invalid \\x escape");
        }
        int v = hex(pos, pos + 2);
        pos += 2;
        return v;
    }

    private int hex(int from, int to) {
        try {
            return Integer.parseInt(new String(cps, from, to - from), 16);
        } catch (NumberFormatException e) {
            throw Untranslatable.syntax("invalid \\x escape");
        }
    }

    private Anchored literal(int c, Flags flags) {
        CodePointSet set = CodePointSet.of(c, c);
        return chars(flags.fold ? set.folded() : set);
    }

    private Anchored chars(CodePointSet set) {
        return Anchored.of(set.automaton());
    }

    private static void noMultiLine(Flags flags) {
        if (flags.multiLine) {
            throw new Untranslatable("^ or $ in multi-line mode (?m) is not supported; Flux matches single-line");
        }
    }

    boolean more() {
        return pos < cps.length;
    }

    int peek() {
        return cps[pos];
    }

    int next() {
        if (pos >= cps.length) {
            throw Untranslatable.syntax("unexpected end of pattern");
        }
        return cps[pos++];
    }

    int position() {
        return pos;
    }

    void advance(int n) {
        pos += n;
    }

    int at(int p) {
        return p < cps.length ? cps[p] : -1;
    }
}
