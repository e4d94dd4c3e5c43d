package io.fleetwarden.policy.language;

import dk.brics.automaton.Automaton;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of Unicode code points as sorted, disjoint, non-adjacent ranges, and its language over Java's
 * UTF-16 {@code char}s. Go matches code points (runes); Java strings hold UTF-16 units, so a code point above
 * U+FFFF is the pair of its surrogates. Surrogate code points themselves are never part of a set: Go reads
 * them as invalid UTF-8, and no well-formed string contains one alone.
 */
final class CodePointSet {

    static final int MAX = 0x10FFFF;
    private static final int SURROGATE_MIN = 0xD800;
    private static final int SURROGATE_MAX = 0xDFFF;

    /** Pairs lo, hi. */
    private final List<int[]> ranges = new ArrayList<>();

    static CodePointSet of(int lo, int hi) {
        return new CodePointSet().add(lo, hi);
    }

    CodePointSet add(int lo, int hi) {
        if (lo > hi) {
            return this;
        }
        List<int[]> merged = new ArrayList<>();
        int[] add = {lo, hi};
        boolean placed = false;
        for (int[] r : ranges) {
            if (r[1] + 1 < add[0]) {
                merged.add(r);
            } else if (add[1] + 1 < r[0]) {
                if (!placed) {
                    merged.add(add);
                    placed = true;
                }
                merged.add(r);
            } else {
                add = new int[] {Math.min(r[0], add[0]), Math.max(r[1], add[1])};
            }
        }
        if (!placed) {
            merged.add(add);
        }
        ranges.clear();
        ranges.addAll(merged);
        return this;
    }

    CodePointSet addAll(CodePointSet other) {
        for (int[] r : other.ranges) {
            add(r[0], r[1]);
        }
        return this;
    }

    CodePointSet negated() {
        CodePointSet out = new CodePointSet();
        int next = 0;
        for (int[] r : ranges) {
            out.add(next, r[0] - 1);
            next = r[1] + 1;
        }
        return out.add(next, MAX);
    }

    boolean contains(int cp) {
        return ranges.stream().anyMatch(r -> r[0] <= cp && cp <= r[1]);
    }

    /**
     * Go's {@code (?i)}: every code point with its simple case-fold orbit. The orbits of ASCII letters are
     * known exactly ({@code k K U+212A}, {@code s S U+017F}, the others a pair); non-ASCII orbits come from
     * Go's Unicode tables, which Java's may not equal, so a set with non-ASCII code points is refused.
     */
    CodePointSet folded() {
        CodePointSet out = new CodePointSet().addAll(this);
        for (int[] r : ranges) {
            if (r[1] > 0x7F) {
                throw new Untranslatable("case-insensitive matching (?i) of non-ASCII characters (Go's Unicode "
                        + "case folding cannot be reproduced exactly)");
            }
            for (int c = r[0]; c <= r[1]; c++) {
                if (c >= 'a' && c <= 'z') {
                    out.add(c - 32, c - 32);
                } else if (c >= 'A' && c <= 'Z') {
                    out.add(c + 32, c + 32);
                }
                if (c == 'k' || c == 'K') {
                    out.add(0x212A, 0x212A);
                } else if (c == 's' || c == 'S') {
                    out.add(0x017F, 0x017F);
                }
            }
        }
        return out;
    }

    Automaton automaton() {
        if (ranges.size() == 1 && ranges.get(0)[0] == ranges.get(0)[1]
                && (ranges.get(0)[0] < SURROGATE_MIN || ranges.get(0)[0] > SURROGATE_MAX)) {
            // one code point: a string automaton, which brics concatenates without building states
            return Automaton.makeString(Character.toString(ranges.get(0)[0]));
        }
        List<Automaton> parts = new ArrayList<>();
        for (int[] r : ranges) {
            bmp(parts, r[0], Math.min(r[1], SURROGATE_MIN - 1));
            bmp(parts, Math.max(r[0], SURROGATE_MAX + 1), Math.min(r[1], 0xFFFF));
            supplementary(parts, Math.max(r[0], 0x10000), r[1]);
        }
        return parts.isEmpty() ? Automaton.makeEmpty() : parts.size() == 1 ? parts.get(0) : Automaton.union(parts);
    }

    private static void bmp(List<Automaton> parts, int lo, int hi) {
        if (lo <= hi) {
            parts.add(Automaton.makeCharRange((char) lo, (char) hi));
        }
    }

    /** Code points lo..hi above U+FFFF as surrogate pairs: a partial first block, full middle, partial last. */
    private static void supplementary(List<Automaton> parts, int lo, int hi) {
        if (lo > hi) {
            return;
        }
        char hiLo = Character.highSurrogate(lo);
        char hiHi = Character.highSurrogate(hi);
        char lowLo = Character.lowSurrogate(lo);
        char lowHi = Character.lowSurrogate(hi);
        if (hiLo == hiHi) {
            parts.add(pair(hiLo, hiLo, lowLo, lowHi));
            return;
        }
        parts.add(pair(hiLo, hiLo, lowLo, (char) 0xDFFF));
        if (hiLo + 1 <= hiHi - 1) {
            parts.add(pair((char) (hiLo + 1), (char) (hiHi - 1), (char) 0xDC00, (char) 0xDFFF));
        }
        parts.add(pair(hiHi, hiHi, (char) 0xDC00, lowHi));
    }

    private static Automaton pair(char h1, char h2, char l1, char l2) {
        return Automaton.makeCharRange(h1, h2).concatenate(Automaton.makeCharRange(l1, l2));
    }
}
