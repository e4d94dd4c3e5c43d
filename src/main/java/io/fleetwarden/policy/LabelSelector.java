package io.fleetwarden.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A compiled Kubernetes label selector with the API server's semantics; the empty selector matches all. */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> requirements) {

    public enum Operator { In, NotIn, Exists, DoesNotExist }

    public record Requirement(String key, Operator operator, Set<String> values) {
        public Requirement {
            values = Set.copyOf(values);
        }

        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (operator) {
                case In -> v != null && values.contains(v);
                case NotIn -> v == null || !values.contains(v);
                case Exists -> v != null;
                case DoesNotExist -> v == null;
            };
        }
    }

    public LabelSelector {
        matchLabels = Map.copyOf(matchLabels);
        requirements = List.copyOf(requirements);
    }

    public static LabelSelector matchLabel(String key, String value) {
        return new LabelSelector(Map.of(key, value), List.of());
    }

    public boolean isEmpty() {
        return matchLabels.isEmpty() && requirements.isEmpty();
    }

    public boolean matches(Map<String, String> labels) {
        for (var e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return requirements.stream().allMatch(r -> r.matches(labels));
    }

    /** Label keys this selector reads: changing any of them may move a namespace in or out of tenancy. */
    public Set<String> keys() {
        Set<String> keys = new TreeSet<>(matchLabels.keySet());
        requirements.forEach(r -> keys.add(r.key()));
        return keys;
    }

    /** For messages: {@code toolkit.fluxcd.io/role=tenant}. */
    public String describe() {
        List<String> parts = new java.util.ArrayList<>();
        new java.util.TreeMap<>(matchLabels).forEach((k, v) -> parts.add(k + "=" + v));
        requirements.forEach(r -> parts.add(r.key() + " " + r.operator() + (r.values().isEmpty() ? ""
                : " " + new TreeSet<>(r.values()))));
        return parts.isEmpty() ? "{} (everything)" : String.join(",", parts);
    }
}
