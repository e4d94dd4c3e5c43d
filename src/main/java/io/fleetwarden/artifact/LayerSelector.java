package io.fleetwarden.artifact;

/**
 * Which layer of an artifact becomes its tree, and how: {@code spec.layerSelector} of a Flux OCIRepository, with
 * source-controller's semantics. With a media type, the first layer of exactly that media type; without one, the
 * first layer. {@link Operation#EXTRACT} unpacks the layer (tar+gzip); {@link Operation#COPY} keeps its bytes
 * unchanged as the one file of the tree (see {@link ArtifactPuller#copiedLayerPath}).
 *
 * @param mediaType null or empty for the first layer
 */
public record LayerSelector(String mediaType, Operation operation) {

    public enum Operation {
        EXTRACT,
        COPY
    }

    /** No selector in the spec: the first layer, extracted. */
    public static final LayerSelector DEFAULT = new LayerSelector(null, Operation.EXTRACT);

    public LayerSelector {
        mediaType = mediaType == null || mediaType.isEmpty() ? null : mediaType;
        if (operation == null) {
            throw new IllegalArgumentException("a layer selector needs an operation (EXTRACT or COPY)");
        }
    }
}
