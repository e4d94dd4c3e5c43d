package io.fleetwarden.reconcile.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fleetwarden.reconcile.runtime.ObjectKey;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What each OCIRepository holds now, in process. Consumers (Kustomizations) read their artifact here, never
 * from the OCIRepository's status: a status can be written by anyone with RBAC on the status subresource, while
 * only the OCIRepository reconciler puts an artifact here, after judging its digest. After a restart this is
 * empty until each source has been reconciled again, and consumers wait for it.
 */
public final class VerifiedArtifacts {

    private final Map<ObjectKey, StoredArtifact> bySource = new ConcurrentHashMap<>();
    /** Sources whose reconcile has ended at least once in this process, with or without an artifact. */
    private final Set<ObjectKey> settled = ConcurrentHashMap.newKeySet();

    public Optional<StoredArtifact> get(ObjectKey source) {
        return Optional.ofNullable(bySource.get(source));
    }

    /** @return the artifact held before, if any */
    public Optional<StoredArtifact> put(ObjectKey source, StoredArtifact artifact) {
        return Optional.ofNullable(bySource.put(source, artifact));
    }

    public void remove(ObjectKey source) {
        bySource.remove(source);
        settled.remove(source);
    }

    /**
     * Records that a reconcile of {@code source} has ended (an artifact held, a failure or a suspension): from now
     * on a consumer without an artifact can say so, since the source has had its turn.
     *
     * @return true the first time for this source (its consumers, told nothing so far, should look again)
     */
    public boolean settle(ObjectKey source) {
        return settled.add(source);
    }

    /** Whether a reconcile of {@code source} has ended in this process since it was created or this started. */
    public boolean settled(ObjectKey source) {
        return settled.contains(source);
    }

    /**
     * The sources still to have their first turn: in {@code sources} (this engine's OCIRepositories, so one of
     * another shard or one that does not exist never counts as coming), not being deleted, and not settled.
     */
    public Predicate<ObjectKey> awaitedAmong(Function<ObjectKey, GenericKubernetesResource> sources) {
        return key -> {
            GenericKubernetesResource source = sources.apply(key);
            return source != null && source.getMetadata().getDeletionTimestamp() == null && !settled(key);
        };
    }

    public int size() {
        return bySource.size();
    }
}
