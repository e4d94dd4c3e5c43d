package io.fleetwarden.artifact;

import io.fleetwarden.oci.Digest;
import java.util.Map;

/**
 * An artifact pulled by digest: the manifest it came from, the layer that was selected, its tree, and the
 * manifest's annotations (where Flux finds the origin of an artifact).
 */
public record PulledArtifact(Digest manifestDigest, Digest layerDigest, ArtifactTree tree,
        Map<String, String> annotations) {

    /** The annotation {@code flux push artifact --revision} writes, e.g. {@code main@sha1:0123abc}. */
    public static final String REVISION_ANNOTATION = "org.opencontainers.image.revision";
    /** The annotation {@code flux push artifact --source} writes, e.g. the Git URL. */
    public static final String SOURCE_ANNOTATION = "org.opencontainers.image.source";

    public PulledArtifact {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** What Flux reports as {@code lastAppliedOriginRevision}; null when the manifest does not say. */
    public String originRevision() {
        return annotations.get(REVISION_ANNOTATION);
    }

    /** Where the artifact was built from; null when the manifest does not say. */
    public String originSource() {
        return annotations.get(SOURCE_ANNOTATION);
    }
}
