package io.fleetwarden.policy.language;

import dk.brics.automaton.Automaton;
import java.util.ArrayList;
import java.util.List;

/**
 * The language of a regular expression with the anchors {@code ^} and {@code $} (Go's {@code \A} and
 * {@code \z}: the pattern is single-line), split by which anchors a match went through: {@code none},
 * {@code start} (matched a {@code ^}, so the match must begin at the start of the text), {@code end}, and
 * {@code both}. Anchors are zero-width, so the split is compositional: in {@code XY}, a {@code ^} in Y
 * leaves room only for an empty X, and a {@code $} in X only for an empty Y. Null stands for the empty
 * language.
 *
 * <p>From the four parts, the texts a pattern matches somewhere (Go's {@code regexp.MatchString}) are
 * {@code Σ* none Σ* | start Σ* | Σ* end | both}, and the texts it matches whole (RE2J's {@code matches},
 * our policies' reading) are {@code none | start | end | both}.
 */
record Anchored(Automaton none, Automaton start, Automaton end, Automaton both) {

    static final Anchored EMPTY = new Anchored(null, null, null, null);

    static Anchored of(Automaton a) {
        return new Anchored(a, null, null, null);
    }

    static Anchored begin() {
        return new Anchored(null, Automaton.makeEmptyString(), null, null);
    }

    static Anchored finish() {
        return new Anchored(null, null, Automaton.makeEmptyString(), null);
    }

    Automaton part(boolean s, boolean e) {
        return s ? (e ? both : start) : (e ? end : none);
    }

    Anchored union(Anchored o, Budget b) {
        return new Anchored(b.union(none, o.none), b.union(start, o.start), b.union(end, o.end), b.union(both, o.both));
    }

    Anchored concat(Anchored y, Budget b) {
        Automaton[][] out = new Automaton[2][2];
        for (int sx = 0; sx < 2; sx++) {
            for (int ex = 0; ex < 2; ex++) {
                for (int sy = 0; sy < 2; sy++) {
                    for (int ey = 0; ey < 2; ey++) {
                        Automaton x = part(sx == 1, ex == 1);
                        Automaton w = y.part(sy == 1, ey == 1);
                        if (x == null || w == null) {
                            continue;
                        }
                        // A ^ in Y needs nothing before it; a $ in X needs nothing after it.
                        x = sy == 1 ? emptyOnly(x) : x;
                        w = ex == 1 ? emptyOnly(w) : w;
                        if (x == null || w == null) {
                            continue;
                        }
                        int s = sx | sy;
                        int e = ex | ey;
                        out[s][e] = b.union(out[s][e], b.concat(x, w));
                    }
                }
            }
        }
        return new Anchored(out[0][0], out[1][0], out[0][1], out[1][1]);
    }

    /**
     * Zero or more repetitions. Before an iteration that went through {@code ^} every earlier one matched
     * empty, and after one that went through {@code $} every later one does, so: none = N*, start = S N*,
     * end = N* E, both = B | S N* E.
     */
    Anchored star(Budget b) {
        Automaton n = b.check(none == null ? Automaton.makeEmptyString() : none.repeat());
        Automaton s = start == null ? null : b.concat(start, n);
        Automaton e = end == null ? null : b.concat(n, end);
        Automaton se = start == null || end == null ? null : b.concat(b.concat(start, n), end);
        return new Anchored(n, s, e, b.union(both, se));
    }

    Anchored optional(Budget b) {
        return union(of(Automaton.makeEmptyString()), b);
    }

    /** Without anchors: the plain language {@link #none}. */
    boolean plain() {
        return none != null && start == null && end == null && both == null;
    }

    Anchored repeat(int min, int max, Budget b) {
        if (plain()) {
            // brics builds X{min,max} in one pass, of max(min, max) copies of X: bounded before it is built
            b.require((long) none.getNumberOfStates() * Math.max(1, Math.max(min, max)));
            return of(b.check(max < 0 ? none.repeat(min) : none.repeat(min, max)));
        }
        Anchored out = of(Automaton.makeEmptyString());
        for (int i = 0; i < min; i++) {
            out = out.concat(this, b);
        }
        if (max < 0) {
            return out.concat(star(b), b);
        }
        Anchored opt = optional(b);
        for (int i = min; i < max; i++) {
            out = out.concat(opt, b);
        }
        return out;
    }

    /** Texts in which the pattern matches somewhere, over well-formed code points. */
    Automaton unanchored(Budget b) {
        Automaton any = CodePoints.ANY_STRING;
        List<Automaton> parts = new ArrayList<>();
        if (none != null) {
            parts.add(b.concat(b.concat(any, none), any));
        }
        if (start != null) {
            parts.add(b.concat(start, any));
        }
        if (end != null) {
            parts.add(b.concat(any, end));
        }
        if (both != null) {
            parts.add(both);
        }
        return b.check(parts.isEmpty() ? Automaton.makeEmpty() : Automaton.union(parts));
    }

    /** Texts the pattern matches whole. */
    Automaton whole(Budget b) {
        List<Automaton> parts = new ArrayList<>();
        for (Automaton a : new Automaton[] {none, start, end, both}) {
            if (a != null) {
                parts.add(a);
            }
        }
        return b.check(parts.isEmpty() ? Automaton.makeEmpty() : Automaton.union(parts));
    }

    private static Automaton emptyOnly(Automaton a) {
        return a.run("") ? Automaton.makeEmptyString() : null;
    }
}
