package io.fleetwarden.artifact;

import io.fleetwarden.artifact.ArchiveRefused.Reason;
import io.fleetwarden.oci.BlobReadException;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Descriptor;
import io.fleetwarden.oci.Manifest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.TreeMap;

/**
 * Pulls an artifact by digest and turns its selected layer into a tree, as source-controller does for an
 * OCIRepository, without a tag in sight: the digest is what was verified, so it is the only thing we pull. The
 * manifest is digest-checked by the registry client, the layer blob is streamed into {@link ArtifactArchive} and
 * digest-checked before the tree is accepted.
 */
public final class ArtifactPuller {

    private ArtifactPuller() {
    }

    /**
     * The artifact as source-controller stores it for an OCIRepository: {@link #pull}, then an extracted layer's tree
     * through the source-ignore filter of its {@code .sourceignore} files and {@code ignore} ({@link SourceIgnore});
     * a copied layer as it is (source-controller filters only what it extracts).
     *
     * @param ignore the OCIRepository's {@code spec.ignore}; null when absent
     * @throws IllegalArgumentException as {@link #pull}, and when {@code ignore} exceeds a bound of
     *                                  {@link SourceIgnore} (check it first with {@link SourceIgnore#checkSpec})
     * @throws RegistryException        as {@link #pull}
     * @throws ArtifactPullException    as {@link #pull}, and {@link SourceIgnore.Refused} when the layer's
     *                                  {@code .sourceignore} files or the cost of judging its tree exceed a bound
     */
    public static PulledArtifact pullSource(RegistryClient registry, OciReference digestRef, LayerSelector selector,
            String ignore, ArchiveLimits limits, Deadline deadline) throws RegistryException, ArtifactPullException {
        PulledArtifact pulled = pull(registry, digestRef, selector, limits, deadline);
        if (selector.operation() == LayerSelector.Operation.COPY) {
            return pulled;
        }
        ArtifactTree tree = pulled.tree();
        ArtifactTree kept = SourceIgnore.compile(tree, ignore).filter(tree);
        return kept == tree ? pulled : new PulledArtifact(pulled.manifestDigest(), pulled.layerDigest(), kept,
                pulled.annotations());
    }

    /**
     * The selected layer's whole tree, before source-controller's ignore filter ({@link #pullSource} applies it).
     *
     * @throws IllegalArgumentException when {@code digestRef} has no digest
     * @throws RegistryException        when the registry fails, refuses, or sends content not matching its digest
     * @throws ArtifactPullException    when the digest names an index, no layer matches the selector
     *                                  ({@code OCIArtifactLayerOperationFailed}, as Flux), or the layer is refused
     *                                  ({@link ArchiveRefused})
     */
    public static PulledArtifact pull(RegistryClient registry, OciReference digestRef, LayerSelector selector,
            ArchiveLimits limits, Deadline deadline) throws RegistryException, ArtifactPullException {
        if (digestRef.digest() == null) {
            throw new IllegalArgumentException("refusing to pull " + digestRef
                    + ": the reference has no digest, and only a verified digest may be pulled");
        }
        Manifest manifest = registry.manifest(digestRef, digestRef.digest(), deadline);
        if (manifest.isIndex()) {
            throw new ArtifactPullException(ArtifactPullException.PULL_FAILED, "failed to pull artifact " + digestRef
                    + ": it is an image index (" + manifest.mediaType() + "), not an image manifest");
        }
        Descriptor layer = select(manifest.layers(), selector);
        ArtifactTree tree = selector.operation() == LayerSelector.Operation.COPY
                ? copy(registry, digestRef, layer, limits, deadline)
                : extract(registry, digestRef, layer, limits, deadline);
        return new PulledArtifact(manifest.digest(), layer.digest(), tree, manifest.annotations());
    }

    /**
     * The name of the one file of a copied layer's tree: the layer digest's hex with {@code .tgz}. source-controller
     * also keeps a copied layer's bytes unchanged as one {@code .tgz} file (named after the manifest digest in its
     * storage, a name nobody reads); consumers such as helm-controller or kustomize-controller then unpack it
     * themselves, so a caller that needs the files calls {@link ArtifactArchive#extract} on it.
     */
    public static String copiedLayerPath(Descriptor layer) {
        return layer.digest().hex() + ".tgz";
    }

    /** source-controller's selection: first layer of the media type, else first layer; its messages on failure. */
    static Descriptor select(List<Descriptor> layers, LayerSelector selector) throws ArtifactPullException {
        if (layers.isEmpty()) {
            throw new ArtifactPullException(ArtifactPullException.LAYER_OPERATION_FAILED, "no layers found in artifact");
        }
        if (selector.mediaType() == null) {
            return layers.get(0);
        }
        for (Descriptor layer : layers) {
            if (selector.mediaType().equals(layer.mediaType())) {
                return layer;
            }
        }
        throw new ArtifactPullException(ArtifactPullException.LAYER_OPERATION_FAILED,
                "failed to find layer with media type '" + selector.mediaType() + "' in artifact");
    }

    private static ArtifactTree extract(RegistryClient registry, OciReference ref, Descriptor layer,
            ArchiveLimits limits, Deadline deadline) throws RegistryException, ArtifactPullException {
        refuseAnnouncedSize(layer, limits.maxCompressedBytes());
        try (InputStream blob = registry.openBlob(ref, layer.digest(), limits.maxCompressedBytes(), deadline)) {
            return ArtifactArchive.extract(blob, limits);
        } catch (BlobReadException e) {
            throw e.registryException();
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE, "GET blob " + layer.digest() + " of "
                    + ref.repositoryName() + ": I/O error: " + e.getMessage(), e);
        }
    }

    private static ArtifactTree copy(RegistryClient registry, OciReference ref, Descriptor layer, ArchiveLimits limits,
            Deadline deadline) throws RegistryException, ArtifactPullException {
        long max = Math.min(limits.maxCompressedBytes(), Math.min(limits.maxFileBytes(), limits.maxExtractedBytes()));
        refuseAnnouncedSize(layer, max);
        byte[] bytes = registry.blob(ref, layer.digest(), max, deadline);
        TreeMap<String, byte[]> files = new TreeMap<>();
        files.put(copiedLayerPath(layer), bytes);
        return ArtifactTree.owning(files);
    }

    /** A manifest that announces a layer over the limit is refused before a byte of the layer is fetched. */
    private static void refuseAnnouncedSize(Descriptor layer, long max) throws ArchiveRefused {
        if (layer.size() > max) {
            throw new ArchiveRefused(Reason.COMPRESSED_TOO_LARGE, "layer " + layer.digest() + " is " + layer.size()
                    + " bytes, over the limit of " + max + " bytes");
        }
    }
}
