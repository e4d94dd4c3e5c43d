package io.fleetwarden.oci;

/**
 * One comparison of a constraint, e.g. {@code >=1.2} or {@code ~1.x}, evaluated exactly as Masterminds/semver
 * v3.4.0 {@code constraints.go} does, quirks included (they decide which tag Flux deploys, so "fixing" one
 * here would make us verify a different artifact than the one Flux pulls):
 * <ul>
 * <li>{@code ^*} admits only 0.0.0 and {@code <=*} only 0.0.x: the wildcard major leaves a 0.0.0 bound
 * that the caret and wildcard less-or-equal rules read as a real 0 (Masterminds documents {@code ^*} as
 * "any").</li>
 * <li>{@code 1.x.7} is {@code 1.x}: parts after the first wildcard are ignored.</li>
 * <li>{@code <1.x} is {@code <1.0.0}, while {@code <=1.x} is {@code <2.0.0}.</li>
 * </ul>
 *
 * @param operator  as written, normalised ({@code =>} is {@code >=}, {@code ~>} is {@code ~}, none is {@code =})
 * @param bound     the version with wildcards replaced by 0 (and build metadata dropped when wildcarded)
 * @param wildcard  the first part that was {@code x}, {@code X} or {@code *} (or missing)
 * @param text      the clause as written, for messages
 */
record SemverClause(Operator operator, SemanticVersion bound, Wildcard wildcard, String text) {

    enum Operator { EQ, NE, GT, LT, GE, LE, TILDE, CARET }

    /** Masterminds' dirty flags: MAJOR is "dirty" alone, MINOR is minorDirty, PATCH is patchDirty. */
    enum Wildcard { NONE, MAJOR, MINOR, PATCH }

    /**
     * @param includePrerelease whether this clause's AND group names a prerelease anywhere (Masterminds
     *                          v3.4.0 decides per group, not per clause)
     */
    boolean matches(SemanticVersion v, boolean includePrerelease) {
        if (v.isPrerelease() && !includePrerelease) {
            return false;
        }
        int cmp = v.compareTo(bound);
        boolean dirty = wildcard != Wildcard.NONE;
        return switch (operator) {
            case EQ -> dirty ? tilde(v, cmp) : cmp == 0;
            case NE -> notEqual(v, cmp);
            case GT -> greaterThan(v, cmp);
            case LT -> cmp < 0;
            case GE -> cmp >= 0;
            case LE -> lessOrEqual(v, cmp);
            case TILDE -> tilde(v, cmp);
            case CARET -> caret(v, cmp);
        };
    }

    private boolean notEqual(SemanticVersion v, int cmp) {
        if (wildcard == Wildcard.NONE || wildcard == Wildcard.MAJOR) {
            // A wildcard major falls through every branch of constraintNotEqual to the plain comparison.
            if (wildcard == Wildcard.MAJOR && (v.major() != 0 || v.minor() != 0 || v.patch() != 0)) {
                return true;
            }
            return cmp != 0;
        }
        if (v.major() != bound.major()) {
            return true;
        }
        if (wildcard == Wildcard.MINOR) {
            return false;
        }
        if (v.minor() != bound.minor()) {
            return true;
        }
        if (v.isPrerelease() || bound.isPrerelease()) {
            return comparePrereleases(v.prerelease(), bound.prerelease()) != 0;
        }
        return false;
    }

    private boolean greaterThan(SemanticVersion v, int cmp) {
        if (wildcard == Wildcard.NONE || wildcard == Wildcard.MAJOR) {
            return wildcard == Wildcard.MAJOR && Long.compareUnsigned(v.major(), bound.major()) > 0 || cmp > 0;
        }
        int major = Long.compareUnsigned(v.major(), bound.major());
        if (major != 0) {
            return major > 0;
        }
        // ">1" needs 2.0.0 or more; ">1.1" needs 1.2.0 or more.
        return wildcard == Wildcard.PATCH && Long.compareUnsigned(v.minor(), bound.minor()) > 0;
    }

    private boolean lessOrEqual(SemanticVersion v, int cmp) {
        if (wildcard == Wildcard.NONE) {
            return cmp <= 0;
        }
        if (Long.compareUnsigned(v.major(), bound.major()) > 0) {
            return false;
        }
        return !(v.major() == bound.major() && Long.compareUnsigned(v.minor(), bound.minor()) > 0
                && wildcard != Wildcard.MINOR);
    }

    private boolean tilde(SemanticVersion v, int cmp) {
        if (cmp < 0) {
            return false;
        }
        // ~0.0.0 and ~* accept everything at or above 0.0.0.
        if (bound.major() == 0 && bound.minor() == 0 && bound.patch() == 0
                && wildcard != Wildcard.MINOR && wildcard != Wildcard.PATCH) {
            return true;
        }
        return v.major() == bound.major() && (wildcard == Wildcard.MINOR || v.minor() == bound.minor());
    }

    private boolean caret(SemanticVersion v, int cmp) {
        if (cmp < 0) {
            return false;
        }
        if (bound.major() != 0 || wildcard == Wildcard.MINOR) {
            return v.major() == bound.major();
        }
        if (v.major() != 0) {
            return false;
        }
        if (bound.minor() != 0 || wildcard == Wildcard.PATCH) {
            return v.minor() == bound.minor();
        }
        return v.minor() == 0 && v.patch() == bound.patch();
    }

    /** Masterminds comparePrerelease, where an empty side is a single empty identifier. */
    private static int comparePrereleases(String a, String b) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.equals(b) ? 0 : a.isEmpty() ? -1 : 1;
        }
        return SemverIdentifiers.compare(a, b);
    }
}
