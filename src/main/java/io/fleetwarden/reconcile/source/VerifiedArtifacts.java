package io.fleetwarden.reconcile.source;

import io.fleetwarden.reconcile.runtime.ObjectKey;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each OCIRepository holds now, in process. Consumers (Kustomizations) read their artifact here, never
 * from the OCIRepository's status: a status can be written by anyone with RBAC on the status subresource, while
 * only the OCIRepository reconciler puts an artifact here, after judging its digest. After a restart this is
 * empty until each source has been reconciled again, and consumers wait for it.
 */
public final class VerifiedArtifacts {

    private final Map<ObjectKey, StoredArtifact> bySource = new ConcurrentHashMap<>();

    public Optional<StoredArtifact> get(ObjectKey source) {
        return Optional.ofNullable(bySource.get(source));
    }

    /** @return the artifact held before, if any */
    public Optional<StoredArtifact> put(ObjectKey source, StoredArtifact artifact) {
        return Optional.ofNullable(bySource.put(source, artifact));
    }

    public void remove(ObjectKey source) {
        bySource.remove(source);
    }

    public int size() {
        return bySource.size();
    }
}
