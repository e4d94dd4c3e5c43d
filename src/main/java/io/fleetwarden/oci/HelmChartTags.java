package io.fleetwarden.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Picks the tag source-controller pulls for a chart of an OCI {@code HelmRepository} ({@code HelmChart
 * spec.version}, or {@code chart.spec.version} of a {@code HelmRelease}), as its {@code OCIChartRepository}
 * does, which differs from {@code OCIRepository}'s {@link SemverTags} on every point that matters:
 * <ul>
 * <li>A version that is one exact version ({@code fluxcd/pkg/version.ParseVersion}: three dot-separated parts
 * Masterminds' {@code NewVersion} reads, so a {@code v} prefix and leading zeros are allowed) is pulled as written,
 * without listing tags: {@link #exactTag}.</li>
 * <li>Otherwise it is a Masterminds constraint; empty and {@code *} mean the highest stable version. Tags are
 * listed as Helm's registry client lists them: {@code _} read back as {@code +} (OCI tags cannot hold the
 * {@code +} of build metadata, so Helm pushes it as {@code _}), and only tags that are strict versions count
 * ({@code v1.2.3} and {@code 1.2} are not chart versions here).</li>
 * <li>The highest matching version wins; Helm pulls it with {@code +} written back as {@code _}.</li>
 * </ul>
 * Versions of equal precedence (build metadata differs: {@code 1.0.0_a}, {@code 1.0.0_b}) may name different
 * manifests, and Flux sorts them with Go's unstable sort: {@link #select} reports them as ties for the caller
 * to refuse rather than guess.
 */
public final class HelmChartTags {

    /** What HelmChart's CRD defaults {@code spec.version} to (and helm-controller {@code chart.spec.version}). */
    public static final String ANY_STABLE = "*";

    private HelmChartTags() {
    }

    /** The tag pulled without listing when {@code version} is one exact version; empty for a range. */
    public static Optional<String> exactTag(String version) {
        if (version == null || version.isEmpty()) {
            return Optional.empty();
        }
        // As Flux's check, not a strict one: "01.2.3" is pulled as tag 01.2.3, never matched against 1.2.3 (found by
        // HelmChartVersionDifferentialTest; the gate would otherwise verify another tag than Flux pulls).
        return SemanticVersion.isTagVersion(version) ? Optional.of(version.replace('+', '_')) : Optional.empty();
    }

    /**
     * Every tag of the highest version {@code version} (a constraint, not an exact version) admits, in the
     * order listed; empty when none does. {@link IllegalArgumentException} for a constraint that does not parse.
     */
    public static List<String> select(String version, List<String> tags) {
        SemverConstraint constraint = SemverConstraint.parse(version == null || version.isEmpty() ? ANY_STABLE
                : version);
        SemanticVersion best = null;
        List<String> ties = new ArrayList<>();
        for (String tag : tags) {
            String asVersion = tag == null ? null : tag.replace('_', '+');
            if (!SemanticVersion.isStrict(asVersion)) {
                continue;
            }
            SemanticVersion v = SemanticVersion.parseStrict(asVersion);
            if (!constraint.matches(v)) {
                continue;
            }
            int cmp = best == null ? 1 : v.compareTo(best);
            if (cmp > 0) {
                best = v;
                ties.clear();
            }
            if (cmp >= 0) {
                // Helm pulls the version it read, + written back as _: the tag itself, since OCI tags hold no +.
                ties.add(asVersion.replace('+', '_'));
            }
        }
        return List.copyOf(ties);
    }
}
