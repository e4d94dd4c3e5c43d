package io.fleetwarden.policy;

/**
 * Shell-style patterns where {@code *} matches any run of characters, {@code /} included
 * ({@code refs/tags/*} matches {@code refs/tags/frontend/v1.2.3}). Nothing else is special, so a ref or
 * URL with dots or brackets matches literally. Matching is linear in practice and never backtracks
 * exponentially (the classic two-pointer wildcard algorithm), so a hostile value cannot stall admission.
 */
public final class Glob {

    private Glob() {
    }

    public static boolean matches(String pattern, String value) {
        if (value == null) {
            return false;
        }
        int p = 0;
        int v = 0;
        int star = -1;
        int mark = 0;
        while (v < value.length()) {
            if (p < pattern.length() && pattern.charAt(p) != '*' && pattern.charAt(p) == value.charAt(v)) {
                p++;
                v++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                mark = v;
            } else if (star >= 0) {
                p = star + 1;
                v = ++mark;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
