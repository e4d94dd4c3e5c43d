package io.fleetwarden.verify;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Descriptor;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.Manifest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.ParallelReads;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;

/**
 * Finds every cosign signature of a digest, in both storage formats: Sigstore bundles attached as OCI
 * referrers (cosign v3's default; API or referrers tag schema, the registry client handles both) and the
 * legacy {@code sha256-<hex>.sig} tag. Unlike Flux, both are always read: an artifact re-signed after a
 * cosign upgrade carries both, and a bundle that fails must not hide a legacy signature that passes.
 *
 * <p>Counts and sizes are bounded: an attacker who can push to the repository can attach any number of
 * referrers, and each one costs registry calls inside the admission deadline.
 */
public final class SignatureDiscovery {

    public static final String BUNDLE_ARTIFACT_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
    static final String BUNDLE_LAYER_PREFIX = "application/vnd.dev.sigstore.bundle";
    public static final int MAX_SIGNATURES = 16;
    public static final long MAX_BUNDLE_BYTES = 1 << 20;
    public static final long MAX_PAYLOAD_BYTES = 64 << 10;

    private final RegistryClient registry;

    public SignatureDiscovery(RegistryClient registry) {
        this.registry = registry;
    }

    /**
     * The signatures found, plus notes on what was skipped (reported with the verdict either way).
     *
     * @param unreadable whether a listed signature could not be read for an infrastructure reason (registry
     *        unavailable, refused): when nothing else verifies, that one might have, so the answer is "could not
     *        decide" rather than "not signed"
     */
    public record Found(List<DiscoveredSignature> signatures, List<String> skipped, boolean unreadable) {
        public Found {
            signatures = List.copyOf(signatures);
            skipped = List.copyOf(skipped);
        }
    }

    public Found discover(OciReference ref, Digest digest, Deadline deadline) throws RegistryException {
        List<DiscoveredSignature> out = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        boolean[] unreadable = {false};
        // The legacy tag does not depend on the referrers: ask for it at once, so that a cold review waits for
        // the longer of the two chains rather than for their sum.
        String legacyTag = digest.asTagPrefix() + ".sig";
        Future<Optional<Manifest>> legacy = ParallelReads.start(() -> registry.manifestByTag(ref, legacyTag, deadline));
        try {
            for (Descriptor d : registry.referrers(ref, digest, BUNDLE_ARTIFACT_TYPE, deadline)) {
                if (out.size() >= MAX_SIGNATURES) {
                    skipped.add("more than " + MAX_SIGNATURES + " bundle referrers; the rest were not read");
                    break;
                }
                readOrSkip("referrer " + d.digest(), () -> bundle(ref, d, deadline, skipped), skipped, unreadable)
                        .ifPresent(out::add);
            }
        } catch (RegistryException | RuntimeException e) {
            legacy.cancel(true);
            throw e;
        }
        Optional<Manifest> sig = ParallelReads.await(legacy, deadline, "read tag " + legacyTag + " of "
                + ref.repositoryName());
        if (sig.isPresent()) {
            List<Descriptor> layers = sig.get().layers();
            for (int i = 0; i < layers.size(); i++) {
                if (out.size() >= MAX_SIGNATURES) {
                    skipped.add("more than " + MAX_SIGNATURES + " signatures; the rest were not read");
                    break;
                }
                int index = i;
                readOrSkip("legacy " + digest.asTagPrefix() + ".sig layer " + i,
                        () -> legacy(ref, digest, index, layers.get(index), deadline, skipped), skipped, unreadable)
                        .ifPresent(out::add);
            }
        }
        return new Found(out, skipped, unreadable[0]);
    }

    private interface Read {
        Optional<DiscoveredSignature> read() throws RegistryException;
    }

    /**
     * One listed signature that cannot be fetched or parsed is skipped and noted, never the end of discovery:
     * anyone who can push to a registry without the referrers API can add an entry to the tag-schema index, and
     * such an entry must not deny an artifact that carries a valid signature. Only a spent deadline stops the
     * search, since nothing more can be read then.
     */
    private static Optional<DiscoveredSignature> readOrSkip(String label, Read read, List<String> skipped,
            boolean[] unreadable) throws RegistryException {
        try {
            return read.read();
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.TIMEOUT) {
                throw e;
            }
            boolean infrastructure = e.kind() == RegistryException.Kind.UNAVAILABLE
                    || e.kind() == RegistryException.Kind.UNAUTHORIZED;
            unreadable[0] |= infrastructure;
            skipped.add(label + ": could not be read (" + e.kind().name().toLowerCase() + "): " + e.getMessage());
            return Optional.empty();
        } catch (RuntimeException e) {
            skipped.add(label + ": could not be parsed: " + e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<DiscoveredSignature> bundle(OciReference ref, Descriptor d, Deadline deadline, List<String> skipped)
            throws RegistryException {
        String label = "referrer " + d.digest();
        Manifest m = registry.manifest(ref, d.digest(), deadline);
        if (m.layers().size() != 1 || !m.layers().get(0).mediaType().startsWith(BUNDLE_LAYER_PREFIX)) {
            skipped.add(label + ": not a single-layer Sigstore bundle");
            return Optional.empty();
        }
        Descriptor layer = m.layers().get(0);
        if (layer.size() > MAX_BUNDLE_BYTES) {
            skipped.add(label + ": bundle of " + layer.size() + " bytes exceeds " + MAX_BUNDLE_BYTES);
            return Optional.empty();
        }
        return Optional.of(new DiscoveredSignature.Bundle(label,
                registry.blob(ref, layer.digest(), MAX_BUNDLE_BYTES, deadline)));
    }

    private Optional<DiscoveredSignature> legacy(OciReference ref, Digest digest, int index, Descriptor layer,
            Deadline deadline, List<String> skipped) throws RegistryException {
        String label = "legacy " + digest.asTagPrefix() + ".sig layer " + index;
        if (!LegacySignature.MEDIA_TYPE.equals(layer.mediaType())) {
            skipped.add(label + ": media type " + layer.mediaType() + " is not a simple-signing payload");
            return Optional.empty();
        }
        if (layer.size() > MAX_PAYLOAD_BYTES) {
            skipped.add(label + ": payload of " + layer.size() + " bytes exceeds " + MAX_PAYLOAD_BYTES);
            return Optional.empty();
        }
        byte[] payload = registry.blob(ref, layer.digest(), MAX_PAYLOAD_BYTES, deadline);
        return Optional.of(new DiscoveredSignature.Legacy(new LegacySignature(label, payload, layer.annotations())));
    }
}
