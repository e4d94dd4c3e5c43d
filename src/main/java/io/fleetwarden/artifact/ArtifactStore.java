package io.fleetwarden.artifact;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.RegistryException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Pulled artifacts shared by every reconcile in this process, so a source used by many Kustomizations is pulled
 * and unpacked once (Flux unpacks it once per Kustomization per revision, and that untar dominates its CPU
 * profile: flux2#5470). Content-addressed: the key is the manifest digest, the layer selector and, for an extracted
 * layer, the {@code spec.ignore} its tree was filtered by ({@link ArtifactPuller#pullSource}), so an entry never
 * goes stale, and it is bounded by the bytes of its trees, evicting the least recently used. Memory only: a
 * restarted process starts empty and pulls again from the registry.
 *
 * <p>Because the key is content, not the requester, the store answers anyone who names a digest. Look an artifact
 * up only for a digest the requester was already allowed to see (resolved or verified with its own credentials).
 *
 * <p>Loads are single-flight: concurrent callers for one key wait for one load and share its result or its failure;
 * a failure is not kept, so the next caller tries again. An artifact larger than the whole store is returned to its
 * callers and not kept. Hand-written rather than Caffeine because both the LRU order and the "too big, not kept"
 * rule are part of the contract here, and Caffeine's admission policy and deferred eviction decide otherwise.
 */
public final class ArtifactStore {

    /**
     * What an entry is stored under. Two sources of one digest with different ignore rules hold different trees, so
     * {@code ignore} is part of the key; a copied layer is never filtered, so for it {@code ignore} is dropped and
     * such sources share one entry.
     *
     * @param ignore the {@code spec.ignore} text the tree was filtered by; null when absent
     */
    public record Key(Digest manifestDigest, LayerSelector selector, String ignore) {
        public Key {
            Objects.requireNonNull(manifestDigest, "manifestDigest");
            Objects.requireNonNull(selector, "selector");
            if (selector.operation() == LayerSelector.Operation.COPY) {
                ignore = null;
            }
        }

        /** The key of a source without {@code spec.ignore}. */
        public Key(Digest manifestDigest, LayerSelector selector) {
            this(manifestDigest, selector, null);
        }
    }

    /** Pulls the artifact of a key; runs on the thread of the first caller for it. */
    @FunctionalInterface
    public interface Loader {
        PulledArtifact load() throws RegistryException, ArtifactPullException;
    }

    /**
     * A snapshot of the store.
     *
     * @param hits      lookups answered without running a loader (kept, or shared from a load already running)
     * @param misses    loads run
     * @param evictions entries dropped to make room
     */
    public record Stats(int entries, long bytes, long hits, long misses, long evictions) {
    }

    private final long maxBytes;
    private final Object lock = new Object();
    private final LinkedHashMap<Key, PulledArtifact> entries = new LinkedHashMap<>(16, 0.75f, true); // access order
    private final Map<Key, CompletableFuture<PulledArtifact>> loading = new HashMap<>();
    private long bytes;
    private long hits;
    private long misses;
    private long evictions;

    public ArtifactStore(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("an artifact store needs a positive size, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** The kept artifact, made most recently used; empty when not kept. Counts as a hit or a miss. */
    public Optional<PulledArtifact> get(Key key) {
        synchronized (lock) {
            PulledArtifact kept = entries.get(key);
            if (kept != null) {
                hits++;
            } else {
                misses++;
            }
            return Optional.ofNullable(kept);
        }
    }

    /**
     * The kept artifact, or the one {@code loader} pulls. Callers for a key that is being loaded wait for that load
     * and get its artifact or its exception.
     *
     * @throws RegistryException     as thrown by the load (this caller's or the one it waited for)
     * @throws ArtifactPullException as thrown by the load
     */
    public PulledArtifact getOrLoad(Key key, Loader loader) throws RegistryException, ArtifactPullException {
        CompletableFuture<PulledArtifact> load;
        boolean mine = false;
        synchronized (lock) {
            PulledArtifact kept = entries.get(key);
            if (kept != null) {
                hits++;
                return kept;
            }
            load = loading.get(key);
            if (load == null) {
                load = new CompletableFuture<>();
                loading.put(key, load);
                mine = true;
                misses++;
            } else {
                hits++;
            }
        }
        return mine ? runLoad(key, loader, load) : await(load);
    }

    private PulledArtifact runLoad(Key key, Loader loader, CompletableFuture<PulledArtifact> load)
            throws RegistryException, ArtifactPullException {
        PulledArtifact artifact;
        try {
            artifact = loader.load();
            Objects.requireNonNull(artifact, "the loader returned no artifact");
        } catch (RegistryException | ArtifactPullException | RuntimeException | Error e) {
            synchronized (lock) {
                loading.remove(key);
            }
            load.completeExceptionally(e);
            throw e;
        }
        synchronized (lock) {
            loading.remove(key);
            keep(key, artifact);
        }
        load.complete(artifact);
        return artifact;
    }

    private void keep(Key key, PulledArtifact artifact) {
        long size = weight(artifact);
        if (size > maxBytes) {
            return; // returned to its callers, never kept: it would evict everything and still not fit
        }
        PulledArtifact previous = entries.put(key, artifact);
        if (previous != null) {
            bytes -= weight(previous);
        }
        bytes += size;
        Iterator<Map.Entry<Key, PulledArtifact>> eldest = entries.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            Map.Entry<Key, PulledArtifact> entry = eldest.next();
            if (entry.getKey().equals(key)) {
                continue;
            }
            bytes -= weight(entry.getValue());
            eldest.remove();
            evictions++;
        }
    }

    private static PulledArtifact await(CompletableFuture<PulledArtifact> load)
            throws RegistryException, ArtifactPullException {
        try {
            return load.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.UNAVAILABLE,
                    "interrupted while waiting for another pull of the same artifact");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RegistryException registry) {
                throw registry;
            }
            if (cause instanceof ArtifactPullException pull) {
                throw pull;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("artifact load failed", cause);
        }
    }

    /** What an entry costs: the bytes of its tree's files (paths and object headers are small beside them). */
    private static long weight(PulledArtifact artifact) {
        return artifact.tree().totalBytes();
    }

    public Stats stats() {
        synchronized (lock) {
            return new Stats(entries.size(), bytes, hits, misses, evictions);
        }
    }
}
