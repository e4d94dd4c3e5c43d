package io.fleetwarden.reconcile.source;

import io.fleetwarden.artifact.PulledArtifact;
import io.fleetwarden.oci.Digest;

/**
 * The artifact an OCIRepository holds for its consumers: pulled by {@code digest} after that digest was judged.
 *
 * @param revision Flux's revision string, {@code <tag>@sha256:<hex>} (just the digest for a digest ref)
 * @param verified whether a signature was verified (false only where a policy allows the source unsigned)
 */
public record StoredArtifact(String revision, Digest digest, PulledArtifact artifact, boolean verified) {
}
