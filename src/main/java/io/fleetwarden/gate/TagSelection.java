package io.fleetwarden.gate;

import io.fleetwarden.source.OciSource;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.HelmChartTags;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.oci.SemverConstraint;
import io.fleetwarden.oci.SemverTags;
import java.util.List;

/** Which tag a source names now, with Flux's precedence: digest (no tag needed), semver, then tag. */
public final class TagSelection {

    private TagSelection() {
    }

    /** The tag to verify; null when the digest decides, or when no tag matches the semver constraint. */
    public static String tag(OciSource source, RegistryClient registry, Deadline deadline) throws RegistryException {
        if (source.digest() != null) {
            return null;
        }
        if (source.chart() != null && source.tag() == null) {
            return chartTag(source, registry, deadline);
        }
        if (source.semver() == null) {
            return source.tag();
        }
        SemverConstraint constraint = SemverConstraint.parse(source.semver());
        List<String> ties = SemverTags.highestTies(registry.tags(source.repository(), deadline), constraint,
                source.semverFilter(), source.semverTagsAreChartVersions());
        if (ties.size() > 1) {
            // Flux breaks ties between equal versions (v1.0.0, 1.0.0, 1.0.0+b) with an unstable sort, so we
            // cannot know which one it will pull; they may name different artifacts. Refuse to guess.
            throw new IllegalArgumentException("semver \"" + source.semver() + "\" matches several tags of equal "
                    + "precedence " + ties + ", and Flux may pull any of them; remove all but one or pin spec.ref.tag");
        }
        return ties.isEmpty() ? null : ties.get(0);
    }

    /** A Helm chart whose version is a range: the tag Helm picks among the repository's ({@link HelmChartTags}). */
    private static String chartTag(OciSource source, RegistryClient registry, Deadline deadline)
            throws RegistryException {
        List<String> ties = HelmChartTags.select(source.chart().version(), registry.tags(source.repository(), deadline));
        if (ties.size() > 1) {
            throw new IllegalArgumentException("version \"" + source.chart().version() + "\" of chart "
                    + source.chart().name() + " matches several tags of equal precedence " + ties + " (they differ "
                    + "only in build metadata), and Flux may pull any of them; remove all but one or pin an exact version");
        }
        return ties.isEmpty() ? null : ties.get(0);
    }
}
