package io.fleetwarden.policy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * "Did you mean" for a misspelt field name or value: a known one that differs only in case, else the closest within
 * two edits (insertions, deletions, substitutions, swaps of neighbours), and never otherwise: a suggestion far from
 * what was written would be a guess.
 */
public final class Spelling {

    /** Edits at most, and no more than a third of the longer word's length ({@code id} is not a misspelt {@code kind}). */
    static final int MAX_EDITS = 2;
    /** Longer names are not compared (the cost grows with the product of the lengths, and a value can be hostile). */
    static final int MAX_LENGTH = 100;

    private Spelling() {
    }

    /** {@code did you mean "subjectRegExp"?}, or empty when nothing known is close. */
    public static Optional<String> didYouMean(String given, Collection<String> known) {
        List<String> closest = closest(given, known);
        if (closest.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("did you mean " + String.join(" or ", closest.stream().map(Quoted::of).toList()) + "?");
    }

    /** {@code got "pushh", did you mean "push"?}: the end of a message about a value that is not one of {@code known}. */
    public static String got(String value, Collection<String> known) {
        return "got " + Quoted.of(value) + didYouMean(value, known).map(s -> ", " + s).orElse("");
    }

    /** The known names closest to {@code given}, in alphabetical order; empty when none is close. */
    static List<String> closest(String given, Collection<String> known) {
        if (given == null || given.isEmpty() || given.length() > MAX_LENGTH) {
            return List.of();
        }
        TreeSet<String> sameButCase = new TreeSet<>();
        for (String k : known) {
            if (!k.equals(given) && k.toLowerCase(Locale.ROOT).equals(given.toLowerCase(Locale.ROOT))) {
                sameButCase.add(k);
            }
        }
        if (!sameButCase.isEmpty()) {
            return List.copyOf(sameButCase);
        }
        int best = MAX_EDITS + 1;
        TreeSet<String> out = new TreeSet<>();
        for (String k : known) {
            if (k.equals(given) || k.length() > MAX_LENGTH) {
                continue;
            }
            int d = distance(given, k);
            if (d == 0 || d > MAX_EDITS || 3 * d > Math.max(given.length(), k.length()) || d > best) {
                continue;
            }
            if (d < best) {
                best = d;
                out.clear();
            }
            out.add(k);
        }
        return new ArrayList<>(out);
    }

    /** Optimal string alignment distance: Levenshtein with swaps of adjacent characters. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
