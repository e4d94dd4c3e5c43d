package io.fleetwarden.oci;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Read access to OCI registries, the only port through which fleetwarden talks to one. Every call takes
 * the caller's {@link Deadline}; every body read is bounded; content fetched by digest is checked against
 * that digest before it is returned.
 */
public interface RegistryClient {

    /** Resolves a tag (or confirms a digest) to the manifest's descriptor. */
    Descriptor resolve(OciReference ref, Deadline deadline) throws RegistryException;

    /** The manifest or index stored under {@code digest} in {@code ref}'s repository, digest-checked. */
    Manifest manifest(OciReference ref, Digest digest, Deadline deadline) throws RegistryException;

    /** The manifest or index a tag points at now; empty when the tag does not exist. */
    Optional<Manifest> manifestByTag(OciReference ref, String tag, Deadline deadline) throws RegistryException;

    /** A blob of at most {@code maxBytes}, digest-checked. */
    byte[] blob(OciReference ref, Digest digest, long maxBytes, Deadline deadline) throws RegistryException;

    /**
     * A blob of at most {@code maxBytes} as a stream, read as it arrives and never held whole. The stream fails
     * with a {@link BlobReadException} (carrying a {@link RegistryException}: {@code TOO_LARGE} as soon as more
     * than {@code maxBytes} arrive, {@code INVALID_RESPONSE} when the content does not match {@code digest},
     * {@code TIMEOUT} when the deadline passes while reading) and reports end of stream only after the whole
     * blob arrived and matched its digest: a reader that sees end of stream has the complete, verified blob.
     * The caller closes it (closing early abandons the transfer).
     *
     * @throws RegistryException when the blob cannot be requested, or announces more than {@code maxBytes}
     */
    InputStream openBlob(OciReference ref, Digest digest, long maxBytes, Deadline deadline) throws RegistryException;

    /** Every tag of the repository (following pagination, bounded in count). */
    List<String> tags(OciReference ref, Deadline deadline) throws RegistryException;

    /**
     * Manifests whose {@code subject} is {@code subject}: the OCI 1.1 referrers API, and where the registry
     * has none, the referrers tag schema ({@code sha256-<hex>} image index).
     *
     * @param artifactType only referrers of this artifact type; null for all
     */
    List<Descriptor> referrers(OciReference ref, Digest subject, String artifactType, Deadline deadline)
            throws RegistryException;
}
