package io.fleetwarden.oci;

import java.util.List;
import java.util.Map;

/**
 * A parsed OCI image manifest or image index, with the exact bytes it was parsed from (the digest is over
 * those bytes, never over a re-serialisation).
 *
 * @param config       null for an index
 * @param layers       image manifest layers; empty for an index
 * @param manifests    index entries; empty for an image manifest
 * @param subject      the OCI 1.1 subject; null when absent
 * @param artifactType null when absent
 */
public record Manifest(Digest digest, String mediaType, byte[] raw, Descriptor config, List<Descriptor> layers,
        List<Descriptor> manifests, Descriptor subject, String artifactType, Map<String, String> annotations) {

    public Manifest {
        layers = layers == null ? List.of() : List.copyOf(layers);
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public boolean isIndex() {
        return !manifests.isEmpty() || mediaType.contains("index") || mediaType.contains("manifest.list");
    }
}
