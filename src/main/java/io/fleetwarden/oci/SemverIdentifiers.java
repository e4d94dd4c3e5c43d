package io.fleetwarden.oci;

/**
 * Prerelease and build-metadata identifiers as Masterminds/semver v3 validates and orders them. Kept apart
 * from {@link SemanticVersion} so the precedence rule (the part that decides which tag Flux deploys) is
 * small enough to read against the Go source in one sitting.
 */
final class SemverIdentifiers {

    private SemverIdentifiers() {
    }

    /** Why {@code prerelease} is invalid, or null when it is fine (dot-separated, non-empty, no leading 0s). */
    static String prereleaseProblem(String prerelease) {
        for (String id : prerelease.split("\\.", -1)) {
            if (id.isEmpty() || !isIdentifierText(id)) {
                return "prerelease \"" + prerelease + "\" must be dot-separated [0-9A-Za-z-] identifiers";
            }
            if (isDigits(id) && id.length() > 1 && id.charAt(0) == '0') {
                return "numeric prerelease identifier \"" + id + "\" has a leading zero";
            }
        }
        return null;
    }

    /** Why {@code build} is invalid, or null; build identifiers may have leading zeros. */
    static String buildProblem(String build) {
        for (String id : build.split("\\.", -1)) {
            if (id.isEmpty() || !isIdentifierText(id)) {
                return "build metadata \"" + build + "\" must be dot-separated [0-9A-Za-z-] identifiers";
            }
        }
        return null;
    }

    /**
     * Semver 2.0 precedence of two non-empty prereleases, as Masterminds {@code comparePrerelease} does it:
     * identifier by identifier; numeric ones compare as numbers and sort below alphanumeric ones; a shorter
     * list that is a prefix of a longer one sorts first.
     */
    static int compare(String left, String right) {
        String[] l = left.split("\\.", -1);
        String[] r = right.split("\\.", -1);
        for (int i = 0; i < Math.max(l.length, r.length); i++) {
            int d = compareIdentifier(i < l.length ? l[i] : "", i < r.length ? r[i] : "");
            if (d != 0) {
                return d;
            }
        }
        return 0;
    }

    private static int compareIdentifier(String s, String o) {
        if (s.equals(o)) {
            return 0;
        }
        if (s.isEmpty()) {
            return -1;
        }
        if (o.isEmpty()) {
            return 1;
        }
        // Go's strconv.ParseUint decides "numeric": a run of digits that fits in 64 bits. A longer run is
        // compared as text there, so it is here too.
        Long sn = unsigned(s);
        Long on = unsigned(o);
        if (sn == null && on == null) {
            return s.compareTo(o) > 0 ? 1 : -1;
        }
        if (sn == null) {
            return 1;
        }
        if (on == null) {
            return -1;
        }
        return Integer.signum(Long.compareUnsigned(sn, on));
    }

    /** The unsigned 64-bit value of an ASCII digit run, or null if it is not one or overflows. */
    static Long unsigned(String digits) {
        if (!isDigits(digits)) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(digits);
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }

    static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isIdentifierText(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
