package io.fleetwarden.policy;

import io.fleetwarden.api.v1alpha1.LabelSelectorRequirementSpec;
import io.fleetwarden.api.v1alpha1.LabelSelectorSpec;
import io.fleetwarden.policy.FieldViolation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Compiles a {@link LabelSelectorSpec}, checking label syntax the way the API server would. */
public final class SelectorCompiler {

    // Optional DNS-subdomain prefix and a name of up to 63 characters, as Kubernetes label keys.
    private static final Pattern KEY = Pattern.compile(
            "([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    private SelectorCompiler() {
    }

    public static LabelSelector compile(String path, LabelSelectorSpec spec, List<FieldViolation> violations) {
        Map<String, String> labels = new TreeMap<>();
        if (spec.matchLabels != null) {
            spec.matchLabels.forEach((k, v) -> {
                String at = path + ".matchLabels[\"" + k + "\"]";
                if (k == null || !KEY.matcher(k).matches()) {
                    violations.add(new FieldViolation(at, "is not a valid label key"));
                } else if (v == null || !VALUE.matcher(v).matches()) {
                    violations.add(new FieldViolation(at, "is not a valid label value: " + quote(v)));
                } else {
                    labels.put(k, v);
                }
            });
        }
        List<LabelSelector.Requirement> requirements = new ArrayList<>();
        List<LabelSelectorRequirementSpec> exprs = spec.matchExpressions == null ? List.of() : spec.matchExpressions;
        for (int i = 0; i < exprs.size(); i++) {
            LabelSelector.Requirement r = requirement(path + ".matchExpressions[" + i + "]", exprs.get(i), violations);
            if (r != null) {
                requirements.add(r);
            }
        }
        return new LabelSelector(labels, requirements);
    }

    private static LabelSelector.Requirement requirement(String at, LabelSelectorRequirementSpec e,
            List<FieldViolation> violations) {
        if (e == null) {
            violations.add(new FieldViolation(at, "must be an object"));
            return null;
        }
        int before = violations.size();
        if (e.key == null || !KEY.matcher(e.key).matches()) {
            violations.add(new FieldViolation(at + ".key", "is not a valid label key: " + quote(e.key)));
        }
        LabelSelector.Operator op = null;
        for (LabelSelector.Operator o : LabelSelector.Operator.values()) {
            if (o.name().equals(e.operator)) {
                op = o;
            }
        }
        if (op == null) {
            violations.add(new FieldViolation(at + ".operator",
                    "must be In, NotIn, Exists or DoesNotExist, " + Spelling.got(e.operator,
                            java.util.Arrays.stream(LabelSelector.Operator.values()).map(Enum::name).toList())));
        }
        Set<String> values = new LinkedHashSet<>(e.values == null ? List.of() : e.values);
        boolean needsValues = op == LabelSelector.Operator.In || op == LabelSelector.Operator.NotIn;
        if (op != null && needsValues == values.isEmpty()) {
            violations.add(new FieldViolation(at + ".values", needsValues ? "must not be empty for " + op
                    : "must be empty for " + op));
        }
        for (String v : values) {
            if (v == null || !VALUE.matcher(v).matches()) {
                violations.add(new FieldViolation(at + ".values", "is not a valid label value: " + quote(v)));
            }
        }
        return violations.size() == before ? new LabelSelector.Requirement(e.key, op, values) : null;
    }

    private static String quote(String v) {
        return Quoted.of(v);
    }
}
