package io.fleetwarden.oci;

import java.util.Map;

/**
 * An OCI content descriptor: what a manifest says about a blob or another manifest.
 *
 * @param artifactType null when absent
 * @param annotations  never null
 */
public record Descriptor(String mediaType, Digest digest, long size, String artifactType,
        Map<String, String> annotations) {

    public Descriptor {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, Map.of());
    }
}
