package io.fleetwarden.reconcile.resourceset;

import io.fleetwarden.apply.ApplyResult;
import io.fleetwarden.apply.ObjectRef;
import io.fleetwarden.apply.PruneResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of Flux Operator's {@code ApplySucceeded} Event, as fluxcd/pkg/ssa writes a change set entry:
 * {@code Kind/namespace/name action} ({@code Kind/name} when cluster-scoped), only for what changed.
 */
final class ChangeSet {

    private ChangeSet() {
    }

    static List<String> lines(ApplyResult applied) {
        List<String> out = new ArrayList<>();
        for (ApplyResult.Applied a : applied.applied()) {
            switch (a.action()) {
                case CREATED -> out.add(name(a.ref()) + " created");
                case CONFIGURED, RECREATED -> out.add(name(a.ref()) + " configured");
                default -> {
                }
            }
        }
        return out;
    }

    static List<String> deleted(List<PruneResult.Pruned> outcomes) {
        return outcomes.stream().filter(p -> p.outcome() == PruneResult.Outcome.DELETED
                || p.outcome() == PruneResult.Outcome.TERMINATED).map(p -> name(p.ref()) + " deleted").toList();
    }

    static String name(ObjectRef ref) {
        return ref.kind() + "/" + (ref.clusterScoped() ? "" : ref.namespace() + "/") + ref.name();
    }
}
