package io.fleetwarden.policy.language;

/**
 * A bracketed class {@code [...]} as Go parses it with Perl flags: {@code ]} first is literal, {@code -}
 * is literal where it cannot form a range, ranges, escapes, Perl and POSIX classes inside, {@code (?i)}
 * folding of each item, and negation last (a negated class matches newline: Go's ClassNL).
 */
final class CharClass {

    private CharClass() {
    }

    /** Parses from just after '['; leaves the translator just after the closing ']'. */
    static CodePointSet parse(Re2Translator t, boolean fold) {
        boolean negated = false;
        if (t.more() && t.peek() == '^') {
            t.advance(1);
            negated = true;
        }
        CodePointSet set = new CodePointSet();
        boolean first = true;
        while (true) {
            if (!t.more()) {
                throw Untranslatable.syntax("missing closing ]");
            }
            int c = t.peek();
            if (c == ']' && !first) {
                t.advance(1);
                break;
            }
            first = false;
            CodePointSet named = posix(t, fold);
            if (named != null) {
                set.addAll(named);
                continue;
            }
            if (c == '\\' && t.at(t.position() + 1) != -1) {
                t.advance(1);
                CodePointSet perl = t.perlClass(fold);
                if (perl != null) {
                    set.addAll(perl);
                    continue;
                }
                t.advance(-1);
            }
            int lo = classChar(t);
            int hi = lo;
            if (t.more() && t.peek() == '-' && t.at(t.position() + 1) != ']' && t.at(t.position() + 1) != -1) {
                t.advance(1);
                hi = classChar(t);
                if (hi < lo) {
                    throw Untranslatable.syntax("invalid character class range");
                }
            }
            CodePointSet item = CodePointSet.of(lo, hi);
            set.addAll(fold ? item.folded() : item);
        }
        return negated ? set.negated() : set;
    }

    private static int classChar(Re2Translator t) {
        int c = t.next();
        return c == '\\' ? t.escapedChar() : c;
    }

    /** {@code [:name:]} or {@code [:^name:]} at the translator's position (consumed), or null. */
    private static CodePointSet posix(Re2Translator t, boolean fold) {
        int p = t.position();
        if (t.at(p) != '[' || t.at(p + 1) != ':') {
            return null;
        }
        StringBuilder name = new StringBuilder();
        int q = p + 2;
        while (t.at(q) != -1 && !(t.at(q) == ':' && t.at(q + 1) == ']')) {
            name.appendCodePoint(t.at(q));
            q++;
        }
        if (t.at(q) == -1) {
            return null; // no ":]": the '[' is a literal, as in Go
        }
        boolean negated = name.length() > 0 && name.charAt(0) == '^';
        CodePointSet base = CodePoints.posix(negated ? name.substring(1) : name.toString());
        if (base == null) {
            throw Untranslatable.syntax("invalid character class range [:" + name + ":]");
        }
        t.advance(q + 2 - p);
        CodePointSet set = fold ? base.folded() : base;
        return negated ? set.negated() : set;
    }
}
