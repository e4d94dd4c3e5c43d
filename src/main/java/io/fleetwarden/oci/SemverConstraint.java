package io.fleetwarden.oci;

import java.util.List;

/**
 * A compiled Flux {@code spec.ref.semver} constraint with Masterminds/semver v3.4.0 semantics, unchanged in v3.5.0,
 * the version source-controller v1.9.4 builds with ({@code SemverDifferentialTest} compares the two): comparisons
 * {@code = != > < >= <= => =<}, tilde {@code ~1.2.3} / {@code ~>},
 * caret {@code ^1.2.3} (with the 0.x rules), wildcards {@code 1.2.x 1.x * 1.2.*}, hyphen ranges
 * {@code 1.2 - 1.4.5} (spaces around the hyphen required, {@code 1.2-1.4} is a prerelease), AND by comma or
 * whitespace, OR by {@code ||}.
 *
 * <p>Prereleases: a version with a prerelease matches only if its AND group names a prerelease in some
 * clause ({@code >= 1.0.0-0, < 2.0.0} admits {@code 1.5.0-rc.1}); the prerelease then counts anywhere in the
 * range, not only on the same major.minor.patch as npm would have it. Before Masterminds v3.4.0 each clause
 * decided for itself, so that example matched no prerelease.
 *
 * <p>Input is bounded: at most {@value SemverConstraintParser#MAX_LENGTH} characters and
 * {@value SemverConstraintParser#MAX_CLAUSES} clauses.
 */
public final class SemverConstraint {

    private final String text;
    private final List<Group> groups;

    private record Group(List<SemverClause> clauses, boolean namesPrerelease) {
    }

    private SemverConstraint(String text, List<Group> groups) {
        this.text = text;
        this.groups = groups;
    }

    /** Compiles {@code constraint}; {@link IllegalArgumentException} names the part that is wrong. */
    public static SemverConstraint parse(String constraint) {
        List<Group> groups = SemverConstraintParser.parse(constraint).stream()
                .map(clauses -> new Group(List.copyOf(clauses),
                        clauses.stream().anyMatch(c -> c.bound().isPrerelease())))
                .toList();
        return new SemverConstraint(constraint, groups);
    }

    /** True when some {@code ||} alternative has every clause satisfied by {@code version}. */
    public boolean matches(SemanticVersion version) {
        for (Group group : groups) {
            if (group.clauses().stream().allMatch(c -> c.matches(version, group.namesPrerelease()))) {
                return true;
            }
        }
        return false;
    }

    /** The constraint as written. */
    @Override
    public String toString() {
        return text;
    }
}
