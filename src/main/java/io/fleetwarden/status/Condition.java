package io.fleetwarden.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One {@code metav1.Condition}. {@code lastTransitionTime} is when the status last changed, not when it was last
 * written (Kubernetes' meaning), so {@link #merge} keeps the old time when only reason or message change.
 */
public record Condition(String type, String status, String reason, String message, long observedGeneration,
        String lastTransitionTime) {

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    public Condition {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(reason, "reason");
        message = message == null ? "" : message;
    }

    public static Condition of(String type, String status, String reason, String message, long generation) {
        return new Condition(type, status, reason, message, generation, null);
    }

    public boolean isTrue() {
        return TRUE.equals(status);
    }

    /** Equal but for the transition time: writing {@code next} over this would change nothing a reader sees. */
    public boolean sameAs(Condition next) {
        return type.equals(next.type) && status.equals(next.status) && reason.equals(next.reason)
                && message.equals(next.message) && observedGeneration == next.observedGeneration;
    }

    /**
     * The conditions after setting {@code wanted} (types not in {@code wanted} but in {@code remove} are dropped,
     * the others kept), each new or changed one stamped {@code now} unless its status did not change.
     */
    public static List<Condition> merge(List<Condition> previous, List<Condition> wanted, List<String> remove,
            String now) {
        List<Condition> out = new ArrayList<>();
        for (Condition w : wanted) {
            Condition old = previous.stream().filter(p -> p.type.equals(w.type)).findFirst().orElse(null);
            String time = old != null && old.status.equals(w.status) && old.lastTransitionTime != null
                    ? old.lastTransitionTime : now;
            out.add(new Condition(w.type, w.status, w.reason, w.message, w.observedGeneration, time));
        }
        for (Condition p : previous) {
            boolean replaced = wanted.stream().anyMatch(w -> w.type.equals(p.type));
            if (!replaced && !remove.contains(p.type)) {
                out.add(p);
            }
        }
        return out;
    }
}
