package io.fleetwarden.oci;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Picks the tag Flux source-controller would pull for an {@code OCIRepository} with {@code spec.ref.semver}
 * (its {@code getTagBySemver}): keep the tags {@code semverFilter} finds a match in (an unanchored Go
 * regexp, hence RE2J), drop tags that are not versions by Flux's rule ({@link SemanticVersion#parse}), keep
 * those the constraint matches, and take the highest by semver precedence.
 *
 * <p>Ties: tags with equal precedence ({@code v1.0.0} and {@code 1.0.0}, or {@code 1.0.0+a} and
 * {@code 1.0.0+b}) can name different manifests. Flux sorts with Go's unstable {@code sort.Sort}; for up to
 * 12 matching tags that is an insertion sort, so the first one in registry order wins, and that is what
 * {@link #highest} returns. With more matching tags Go's pdqsort makes the winner depend on positions, so a
 * caller that must be exact can use {@link #highestTies} and refuse when there is more than one.
 *
 * <p>For an {@code OCIRepository} whose {@code layerSelector.mediaType} is Helm's chart layer
 * ({@link #HELM_CHART_LAYER}), source-controller reads each tag with {@code _} as {@code +} (Helm stores the build
 * metadata of {@code 1.0.0+b} as tag {@code 1.0.0_b}) after the filter, and pulls the tag as listed:
 * {@code chartTags}.
 */
public final class SemverTags {

    static final int MAX_FILTER_LENGTH = 512;
    /** Helm's chart content layer ({@code registry.ChartLayerMediaType}). */
    public static final String HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

    private SemverTags() {
    }

    /** As {@link #highest(List, SemverConstraint, String, boolean)} for tags that are not chart versions. */
    public static Optional<String> highest(List<String> tags, SemverConstraint constraint, String semverFilter) {
        return highest(tags, constraint, semverFilter, false);
    }

    /** As {@link #highestTies(List, SemverConstraint, String, boolean)} for tags that are not chart versions. */
    public static List<String> highestTies(List<String> tags, SemverConstraint constraint, String semverFilter) {
        return highestTies(tags, constraint, semverFilter, false);
    }

    /** The tag Flux would pick, or empty when no tag matches ("no match found for semver" in Flux). */
    public static Optional<String> highest(List<String> tags, SemverConstraint constraint, String semverFilter,
            boolean chartTags) {
        List<String> ties = highestTies(tags, constraint, semverFilter, chartTags);
        return ties.isEmpty() ? Optional.empty() : Optional.of(ties.get(0));
    }

    /**
     * Every tag sharing the highest matching precedence, in the order given; empty when none match.
     * {@code chartTags}: read {@code _} in a tag as {@code +}.
     */
    public static List<String> highestTies(List<String> tags, SemverConstraint constraint, String semverFilter,
            boolean chartTags) {
        if (tags == null || constraint == null) {
            throw new IllegalArgumentException("tags and constraint are required");
        }
        Pattern filter = compileFilter(semverFilter);
        SemanticVersion best = null;
        List<String> ties = new ArrayList<>();
        for (String tag : tags) {
            if (tag == null || (filter != null && !filter.matcher(tag).find())) {
                continue;
            }
            String asVersion = chartTags ? tag.replace('_', '+') : tag;
            if (!SemanticVersion.isTagVersion(asVersion)) {
                continue;
            }
            SemanticVersion version = SemanticVersion.parse(asVersion);
            if (!constraint.matches(version)) {
                continue;
            }
            int cmp = best == null ? 1 : version.compareTo(best);
            if (cmp > 0) {
                best = version;
                ties.clear();
            }
            if (cmp >= 0) {
                // As source-controller writes a chart version back (+ as _): the listed tag, as OCI tags hold no +.
                ties.add(chartTags ? asVersion.replace('+', '_') : tag);
            }
        }
        return List.copyOf(ties);
    }

    /** Null for no filter: Flux treats an empty {@code semverFilter} as absent. */
    private static Pattern compileFilter(String semverFilter) {
        if (semverFilter == null || semverFilter.isEmpty()) {
            return null;
        }
        if (semverFilter.length() > MAX_FILTER_LENGTH) {
            throw new IllegalArgumentException("invalid semverFilter: " + semverFilter.length()
                    + " characters, at most " + MAX_FILTER_LENGTH + " allowed");
        }
        try {
            return Pattern.compile(semverFilter);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid semverFilter \"" + semverFilter + "\": " + e.getMessage(), e);
        }
    }
}
