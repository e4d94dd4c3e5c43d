package io.fleetwarden.artifact;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One shell pattern with the exact semantics of Go's {@code path/filepath.Match} on a system whose separator is
 * {@code /}: the matcher every ignore pattern of Flux's source-controller runs on (through its copy of go-git's
 * gitignore package), so what we keep of an artifact is what Flux keeps only if this agrees with Go byte for byte.
 *
 * <p>The syntax: {@code *} any run of bytes without {@code /}; {@code ?} one character other than {@code /};
 * {@code [...]} a class of characters and {@code lo-hi} ranges, negated by a leading {@code ^} (not {@code !});
 * {@code \} makes the next byte literal, in a class too. Everything else is literal.
 *
 * <p>What is easy to get wrong, and why it is done the way it is here:
 * <ul>
 * <li>Go works on UTF-8 bytes, not characters: a literal compares bytes, {@code ?} and a class read one rune where
 * they stand, and a star resumes after every byte, so it may resume inside a multi-byte character; there the
 * stray continuation bytes read as U+FFFD one byte at a time ({@code *??} matches the one-character
 * {@code €}). We therefore match on the UTF-8 bytes and decode runes as Go's {@code utf8.DecodeRune} does.</li>
 * <li>Go does not backtrack a star once the chunk after it (the run of non-star terms) was placed: every chunk but
 * the last is placed at the leftmost position where it matches, and only the last chunk is retried until it ends
 * the name. We do the same, so a name that a backtracking matcher would accept may be refused, as in Go.</li>
 * <li>A malformed pattern (an unclosed or empty class, a class range with a missing end, a trailing {@code \}) is
 * reported only when matching reaches the malformed chunk: {@code a*[} against {@code b} is a plain
 * {@link Result#NO_MATCH}, against {@code ab} it is {@link Result#BAD_PATTERN}. Such a pattern never matches
 * anything, since a match reaches every chunk.</li>
 * </ul>
 *
 * <p>Compiled once; matching costs at most about the name's length times the pattern's, and charges each
 * comparison to a {@link Budget} so a caller can bound many matches together.
 */
public final class GoGlob {

    /** What matching one name gives: Go's {@code (true, nil)}, {@code (false, nil)} or {@code ErrBadPattern}. */
    public enum Result {
        MATCH,
        NO_MATCH,
        BAD_PATTERN
    }

    /** Go's {@code utf8.RuneError}, what an invalid byte decodes as. */
    private static final int RUNE_ERROR = 0xFFFD;

    private final String pattern;
    private final Chunk[] chunks;

    private GoGlob(String pattern, Chunk[] chunks) {
        this.pattern = pattern;
        this.chunks = chunks;
    }

    /** {@code pattern} compiled; never fails (a malformed pattern is reported when it is matched, as in Go). */
    public static GoGlob compile(String pattern) {
        byte[] p = pattern.getBytes(StandardCharsets.UTF_8);
        List<Chunk> chunks = new ArrayList<>();
        int i = 0;
        while (i < p.length) {
            boolean star = false;
            while (i < p.length && p[i] == '*') {
                star = true;
                i++;
            }
            int start = i;
            i = chunkEnd(p, i);
            chunks.add(Chunk.parse(star, p, start, i));
        }
        return new GoGlob(pattern, chunks.toArray(Chunk[]::new));
    }

    /**
     * Where the chunk starting at {@code i} ends: at the next star outside a class. Go decides this with a quick
     * scan that only tracks brackets and skips the byte after a backslash; the chunk's own parse comes later and
     * may still find it malformed. Both steps are kept apart here because they can disagree ({@code []*]} splits
     * after {@code []}).
     */
    private static int chunkEnd(byte[] p, int i) {
        boolean inClass = false;
        for (; i < p.length; i++) {
            switch (p[i]) {
                case '\\' -> {
                    if (i + 1 < p.length) {
                        i++;
                    }
                }
                case '[' -> inClass = true;
                case ']' -> inClass = false;
                case '*' -> {
                    if (!inClass) {
                        return i;
                    }
                }
                default -> {
                }
            }
        }
        return i;
    }

    /** The pattern as given. */
    public String pattern() {
        return pattern;
    }

    /** Whether the whole of {@code name} matches (a malformed pattern matches nothing). */
    public boolean matches(String name) {
        return match(name) == Result.MATCH;
    }

    /** Go's answer for {@code name}, without a budget. */
    public Result match(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return match(n, 0, n.length, Budget.UNLIMITED);
    }

    /**
     * Go's answer for the UTF-8 bytes {@code name[from, to)}.
     *
     * @throws Budget.Exhausted when the comparisons made exceed what {@code budget} has left
     */
    public Result match(byte[] name, int from, int to, Budget budget) {
        int at = from;
        for (int c = 0; c < chunks.length; c++) {
            Chunk chunk = chunks[c];
            boolean last = c == chunks.length - 1;
            if (chunk.star && chunk.terms.length == 0 && !chunk.malformed) {
                // A star ending the pattern takes the rest, unless the rest holds a separator.
                budget.spend(to - at);
                for (int i = at; i < to; i++) {
                    if (name[i] == '/') {
                        return Result.NO_MATCH;
                    }
                }
                return Result.MATCH;
            }
            if (chunk.malformed) {
                return Result.BAD_PATTERN;
            }
            int end = chunk.matchAt(name, at, to, budget);
            if (end >= 0 && (!last || end == to)) {
                at = end;
                continue;
            }
            if (!chunk.star) {
                return Result.NO_MATCH;
            }
            // The star swallows one more byte at a time, never a separator; the first place the chunk matches is
            // kept (for the last chunk: the first place from which it ends the name). A place whose byte cannot
            // start the chunk is passed over without trying it: the same answer, at a comparison per byte.
            int placed = -1;
            for (int skip = at; skip < to && name[skip] != '/'; skip++) {
                if (chunk.first >= 0 && (skip + 1 == to || (name[skip + 1] & 0xff) != chunk.first)) {
                    budget.spend(1);
                    continue;
                }
                end = chunk.matchAt(name, skip + 1, to, budget);
                if (end >= 0 && (!last || end == to)) {
                    placed = end;
                    break;
                }
            }
            if (placed < 0) {
                return Result.NO_MATCH;
            }
            at = placed;
        }
        return at == to ? Result.MATCH : Result.NO_MATCH;
    }

    @Override
    public String toString() {
        return "GoGlob[" + pattern + "]";
    }

    /**
     * Comparisons a caller allows for a series of matches, so that many patterns over many names cannot run
     * unbounded. Not thread-safe: one per series.
     */
    public static final class Budget {

        /** A budget that never runs out (a single match of a bounded pattern and name). */
        static final Budget UNLIMITED = new Budget(Long.MAX_VALUE);

        private long left;

        public Budget(long comparisons) {
            this.left = comparisons;
        }

        void spend(long comparisons) {
            if (this == UNLIMITED) {
                return;
            }
            left -= comparisons;
            if (left < 0) {
                throw new Exhausted();
            }
        }

        /** The budget ran out; the caller says what it was doing. */
        public static final class Exhausted extends RuntimeException {
            Exhausted() {
                super("match budget exhausted", null, false, false);
            }
        }
    }

    /**
     * A run of terms with no star inside, maybe preceded by stars; or a malformed one, known at compile time
     * because Go's verdict on a chunk's syntax does not depend on the name.
     */
    private static final class Chunk {

        private static final byte LITERAL = 0;
        private static final byte ANY = 1;
        private static final byte CLASS = 2;

        final boolean star;
        final boolean malformed;
        /** The byte a match must start with when the chunk starts with a literal, else -1. */
        final int first;
        final byte[] terms;
        final byte[] literals;
        final boolean[] negated;
        final int[][] ranges;

        private Chunk(boolean star, boolean malformed, byte[] terms, byte[] literals, boolean[] negated,
                int[][] ranges) {
            this.star = star;
            this.malformed = malformed;
            this.terms = terms;
            this.literals = literals;
            this.negated = negated;
            this.ranges = ranges;
            this.first = terms.length > 0 && terms[0] == LITERAL ? literals[0] & 0xff : -1;
        }

        static Chunk parse(boolean star, byte[] p, int from, int to) {
            int max = to - from;
            byte[] terms = new byte[max];
            byte[] literals = new byte[max];
            boolean[] negated = new boolean[max];
            int[][] ranges = new int[max][];
            int n = 0;
            int i = from;
            while (i < to) {
                byte b = p[i];
                if (b == '[') {
                    i++;
                    boolean not = i < to && p[i] == '^';
                    if (not) {
                        i++;
                    }
                    List<int[]> pairs = new ArrayList<>();
                    while (true) {
                        if (i < to && p[i] == ']' && !pairs.isEmpty()) {
                            i++;
                            break;
                        }
                        long lo = classChar(p, i, to);
                        if (lo < 0) {
                            return malformed(star);
                        }
                        i = (int) (lo >>> 32);
                        int hi = (int) lo;
                        int low = hi;
                        if (p[i] == '-') {
                            long h = classChar(p, i + 1, to);
                            if (h < 0) {
                                return malformed(star);
                            }
                            i = (int) (h >>> 32);
                            hi = (int) h;
                        }
                        pairs.add(new int[] {low, hi});
                    }
                    int[] flat = new int[pairs.size() * 2];
                    for (int k = 0; k < pairs.size(); k++) {
                        flat[2 * k] = pairs.get(k)[0];
                        flat[2 * k + 1] = pairs.get(k)[1];
                    }
                    terms[n] = CLASS;
                    negated[n] = not;
                    ranges[n] = flat;
                    n++;
                } else if (b == '?') {
                    terms[n++] = ANY;
                    i++;
                } else {
                    if (b == '\\') {
                        i++;
                        if (i == to) {
                            return malformed(star);
                        }
                    }
                    terms[n] = LITERAL;
                    literals[n] = p[i];
                    n++;
                    i++;
                }
            }
            return new Chunk(star, false, java.util.Arrays.copyOf(terms, n), java.util.Arrays.copyOf(literals, n),
                    java.util.Arrays.copyOf(negated, n), java.util.Arrays.copyOf(ranges, n));
        }

        private static Chunk malformed(boolean star) {
            return new Chunk(star, true, new byte[0], new byte[0], new boolean[0], new int[0][]);
        }

        /**
         * One end of a class range at {@code i}: the position after it in the high half and the rune in the low
         * half, or -1 when malformed. Go refuses {@code -} and {@code ]} here, a dangling {@code \}, an invalid
         * byte, and a class character that ends the chunk (the class would never close).
         */
        private static long classChar(byte[] p, int i, int to) {
            if (i >= to || p[i] == '-' || p[i] == ']') {
                return -1;
            }
            if (p[i] == '\\') {
                i++;
                if (i >= to) {
                    return -1;
                }
            }
            int rune = rune(p, i, to);
            int width = width(p, i, to);
            if (rune == RUNE_ERROR && width == 1) {
                return -1;
            }
            i += width;
            if (i >= to) {
                return -1;
            }
            return ((long) i << 32) | (rune & 0xffffffffL);
        }

        /** Where this chunk's match starting at {@code at} ends, or -1 when it does not match there. */
        int matchAt(byte[] name, int at, int to, Budget budget) {
            int t = 0;
            try {
                for (; t < terms.length; t++) {
                    if (at >= to) {
                        return -1;
                    }
                    switch (terms[t]) {
                        case LITERAL -> {
                            if (name[at] != literals[t]) {
                                return -1;
                            }
                            at++;
                        }
                        case ANY -> {
                            if (name[at] == '/') {
                                return -1;
                            }
                            at += width(name, at, to);
                        }
                        default -> {
                            int r = rune(name, at, to);
                            boolean in = false;
                            int[] rs = ranges[t];
                            for (int k = 0; k < rs.length && !in; k += 2) {
                                in = rs[k] <= r && r <= rs[k + 1];
                            }
                            if (in == negated[t]) {
                                return -1;
                            }
                            at += width(name, at, to);
                        }
                    }
                }
                return at;
            } finally {
                budget.spend(1 + t);
            }
        }
    }

    /** The rune at {@code i} as Go's {@code utf8.DecodeRune} reads it: {@link #RUNE_ERROR} for an invalid byte. */
    static int rune(byte[] b, int i, int to) {
        int b0 = b[i] & 0xff;
        int w = width(b, i, to);
        if (b0 < 0x80) {
            return b0;
        }
        if (w == 1) {
            return RUNE_ERROR;
        }
        int r = switch (w) {
            case 2 -> b0 & 0x1f;
            case 3 -> b0 & 0x0f;
            default -> b0 & 0x07;
        };
        for (int k = 1; k < w; k++) {
            r = (r << 6) | (b[i + k] & 0x3f);
        }
        return r;
    }

    /**
     * How many bytes the rune at {@code i} takes as Go's {@code utf8.DecodeRune} reads it: 1 for ASCII and for any
     * byte that does not start a valid sequence (a continuation byte, an overlong form, a surrogate, beyond
     * U+10FFFF, or cut short by {@code to}).
     */
    static int width(byte[] b, int i, int to) {
        int b0 = b[i] & 0xff;
        int size;
        int lo = 0x80;
        int hi = 0xbf;
        if (b0 < 0x80) {
            return 1;
        } else if (b0 >= 0xc2 && b0 <= 0xdf) {
            size = 2;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            size = 3;
            if (b0 == 0xe0) {
                lo = 0xa0;
            } else if (b0 == 0xed) {
                hi = 0x9f;
            }
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            size = 4;
            if (b0 == 0xf0) {
                lo = 0x90;
            } else if (b0 == 0xf4) {
                hi = 0x8f;
            }
        } else {
            return 1;
        }
        if (to - i < size) {
            return 1;
        }
        int b1 = b[i + 1] & 0xff;
        if (b1 < lo || b1 > hi) {
            return 1;
        }
        for (int k = 2; k < size; k++) {
            int bk = b[i + k] & 0xff;
            if (bk < 0x80 || bk > 0xbf) {
                return 1;
            }
        }
        return size;
    }
}
