package io.fleetwarden.apply;

import java.util.ArrayList;
import java.util.List;

/**
 * What a prune did per object. {@link #remaining()} are the objects whose deletion was not confirmed: they must
 * stay in the inventory so that the next reconcile tries again (kustomize-controller#1664).
 */
public record PruneResult(List<Pruned> outcomes, List<ApplyResult.Failure> failures) {

    public enum Outcome {
        /** The API server accepted the deletion. */
        DELETED,
        /** Deleted, and the API server no longer has it (WaitForTermination). */
        TERMINATED,
        /** Already gone. */
        GONE,
        /** Left alone: it no longer carries our owner labels (someone else owns it now). */
        NOT_OWNED,
        /** Left alone: {@code prune: disabled}, {@code reconcile: disabled} or {@code ssa: Ignore}. */
        PRUNE_DISABLED,
        /** Left alone: the deletion policy orphans objects. */
        ORPHANED
    }

    public record Pruned(ObjectRef ref, Outcome outcome) {
    }

    public PruneResult {
        outcomes = List.copyOf(outcomes);
        failures = List.copyOf(failures);
    }

    public boolean succeeded() {
        return failures.isEmpty();
    }

    /** The objects whose deletion failed or was refused; keep them in {@code status.inventory}. */
    public List<ObjectRef> remaining() {
        List<ObjectRef> refs = new ArrayList<>(failures.size());
        for (ApplyResult.Failure failure : failures) {
            refs.add(failure.ref());
        }
        return refs;
    }
}
