package io.fleetwarden.render.resourceset;

import io.fleetwarden.render.resourceset.ResourceSetRenderer.RenderException;
import java.util.List;
import java.util.Map;

/** metav1.LabelSelector matching: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist), ANDed. */
public final class LabelSelector {

    private LabelSelector() {
    }

    public static boolean matches(Map<String, Object> selector, Map<String, Object> labels) throws RenderException {
        Map<String, Object> ml = ResourceSetRenderer.map(selector.get("matchLabels"), "selector.matchLabels");
        for (Map.Entry<String, Object> e : ml.entrySet()) {
            if (!labels.containsKey(e.getKey()) || !String.valueOf(e.getValue()).equals(String.valueOf(labels.get(e.getKey())))) {
                return false;
            }
        }
        List<Object> exprs = ResourceSetRenderer.list(selector.get("matchExpressions"), "selector.matchExpressions");
        for (Object o : exprs) {
            Map<String, Object> ex = ResourceSetRenderer.map(o, "selector.matchExpressions[]");
            String key = ResourceSetRenderer.str(ex.get("key"));
            String op = ResourceSetRenderer.str(ex.get("operator"));
            List<Object> values = ResourceSetRenderer.list(ex.get("values"), "selector.matchExpressions[].values");
            boolean has = labels.containsKey(key);
            String v = has ? String.valueOf(labels.get(key)) : null;
            switch (op) {
                case "In" -> {
                    if (values.isEmpty()) {
                        throw new RenderException("failed to parse selector: values: Invalid value: []: for 'in', "
                                + "'notin' operators, values set can't be empty");
                    }
                    if (!has || values.stream().noneMatch(x -> String.valueOf(x).equals(v))) {
                        return false;
                    }
                }
                case "NotIn" -> {
                    if (values.isEmpty()) {
                        throw new RenderException("failed to parse selector: values: Invalid value: []: for 'in', "
                                + "'notin' operators, values set can't be empty");
                    }
                    if (has && values.stream().anyMatch(x -> String.valueOf(x).equals(v))) {
                        return false;
                    }
                }
                case "Exists" -> {
                    if (!has) {
                        return false;
                    }
                }
                case "DoesNotExist" -> {
                    if (has) {
                        return false;
                    }
                }
                default -> throw new RenderException("failed to parse selector: \"" + op
                        + "\" is not a valid label selector operator");
            }
        }
        return true;
    }
}
