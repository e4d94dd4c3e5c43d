package io.fleetwarden.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one apply did, object by object. {@link #succeeded()} only when every object was applied (or deliberately
 * skipped): a caller must not prune after a failure, or it would delete what a broken apply failed to replace.
 */
public record ApplyResult(List<Applied> applied, List<Failure> failures, List<ObjectRef> notAttempted) {

    public enum Action {
        /** Did not exist; created by server-side apply. */
        CREATED,
        /** Existed and differed in a field we set; server-side applied. */
        CONFIGURED,
        /** Existed and already held everything we set; nothing was written. */
        UNCHANGED,
        /** An immutable field changed and force was on: deleted and created again. */
        RECREATED,
        /** {@code ssa: Ignore}, {@code reconcile: disabled}, or {@code ssa: IfNotPresent} on an existing object. */
        SKIPPED
    }

    /**
     * One object handled: its identity, what was done, and the live object after the step (from our GET or the
     * apply's answer; null only when skipped and absent), so health can be judged without another request.
     * {@code drift} names the first field that differed for CONFIGURED.
     */
    public record Applied(ObjectRef ref, Action action, ObjectNode live, Optional<String> drift) {
    }

    /** An object that could not be applied, and why (naming the object, and the field or permission at fault). */
    public record Failure(ObjectRef ref, String message) {
    }

    public ApplyResult {
        applied = List.copyOf(applied);
        failures = List.copyOf(failures);
        notAttempted = List.copyOf(notAttempted);
    }

    public boolean succeeded() {
        return failures.isEmpty() && notAttempted.isEmpty();
    }

    /** Every object applied or skipped, in apply order: the next {@code status.inventory} (when succeeded). */
    public Inventory inventory() {
        List<ObjectRef> refs = new ArrayList<>(applied.size());
        for (Applied each : applied) {
            refs.add(each.ref());
        }
        return Inventory.of(refs);
    }

    public Optional<Applied> find(ObjectRef ref) {
        return applied.stream().filter(a -> a.ref().equals(ref)).findFirst();
    }
}
