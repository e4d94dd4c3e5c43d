package io.fleetwarden.reconcile.resourceset;

import io.fleetwarden.apply.ApplyResult;
import io.fleetwarden.apply.DeletionPolicy;
import io.fleetwarden.apply.Impersonation;
import io.fleetwarden.apply.ObjectRef;
import io.fleetwarden.apply.PruneResult;
import io.fleetwarden.apply.Pruner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Deletes the objects that left a ResourceSet, in Flux Operator's stages: first the Flux appliers
 * (Kustomizations, HelmReleases), then a wait of up to a minute for them to finalize (so they remove what they
 * applied while the namespaces, service accounts and RBAC they run with still exist), then everything else. Only
 * objects still carrying this ResourceSet's owner labels and not marked {@code fluxcd.controlplane.io/prune:
 * disabled} are deleted (the {@link Pruner}'s rules). A failed first stage deletes nothing of the second.
 */
final class GarbageCollector {

    private static final Logger LOG = Logger.getLogger(GarbageCollector.class);

    /** fluxcd/pkg/ssa's default wait for termination. */
    static final Duration FLUX_TERMINATION_WAIT = Duration.ofMinutes(1);

    /** What was deleted and what is left to retry. */
    record Result(List<PruneResult.Pruned> outcomes, List<ApplyResult.Failure> failures, List<ObjectRef> notAttempted) {

        boolean succeeded() {
            return failures.isEmpty() && notAttempted.isEmpty();
        }

        /** Objects whose deletion is not confirmed: they stay in the inventory. */
        List<ObjectRef> remaining() {
            List<ObjectRef> out = new ArrayList<>(notAttempted);
            failures.forEach(f -> out.add(f.ref()));
            return out;
        }
    }

    private final Pruner pruner;

    GarbageCollector(Pruner pruner) {
        this.pruner = pruner;
    }

    Result collect(List<ObjectRef> stale, Impersonation as, Map<String, String> owner, Instant deadline) {
        List<ObjectRef> flux = stale.stream().filter(GarbageCollector::fluxApplier).toList();
        List<ObjectRef> rest = stale.stream().filter(r -> !fluxApplier(r)).toList();
        List<PruneResult.Pruned> outcomes = new ArrayList<>();
        if (!flux.isEmpty()) {
            PruneResult deleted = pruner.prune(flux, as, owner, DeletionPolicy.DELETE, deadline, ResourceSetSpec.PRUNE);
            outcomes.addAll(deleted.outcomes());
            if (!deleted.succeeded()) {
                return new Result(outcomes, deleted.failures(), rest);
            }
            Instant waitUntil = Instant.now().plus(FLUX_TERMINATION_WAIT);
            List<ObjectRef> waitFor = deleted.outcomes().stream()
                    .filter(p -> p.outcome() == PruneResult.Outcome.DELETED).map(PruneResult.Pruned::ref).toList();
            // Deleting again what is terminating is a no-op; the policy makes the Pruner wait until each is gone.
            PruneResult gone = pruner.prune(waitFor, as, owner, DeletionPolicy.WAIT_FOR_TERMINATION,
                    waitUntil.isBefore(deadline) ? waitUntil : deadline, ResourceSetSpec.PRUNE);
            if (!gone.succeeded()) {
                // As Flux Operator: logged, not a failure; they were deleted and finish on their own.
                LOG.infof("Flux objects still terminating after the wait: %s", gone.failures());
            }
        }
        PruneResult deleted = pruner.prune(rest, as, owner, DeletionPolicy.DELETE, deadline, ResourceSetSpec.PRUNE);
        outcomes.addAll(deleted.outcomes());
        return new Result(outcomes, deleted.failures(), List.of());
    }

    private static boolean fluxApplier(ObjectRef ref) {
        return ref.group().equals("kustomize.toolkit.fluxcd.io") || ref.group().equals("helm.toolkit.fluxcd.io");
    }
}
