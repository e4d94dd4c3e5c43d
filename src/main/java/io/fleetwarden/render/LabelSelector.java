package io.fleetwarden.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes label-selector strings as kustomize's targets use them: comma-separated requirements
 * {@code k=v}, {@code k==v}, {@code k!=v}, {@code k in (a,b)}, {@code k notin (a,b)}, {@code k}, {@code !k}.
 */
final class LabelSelector {

    private LabelSelector() {
    }

    static boolean matches(String selector, Map<String, String> labels, String file, String field) {
        for (String req : split(selector)) {
            String r = req.trim();
            if (r.isEmpty()) {
                continue;
            }
            if (!one(r, labels, file, field)) {
                return false;
            }
        }
        return true;
    }

    private static boolean one(String r, Map<String, String> labels, String file, String field) {
        var set = java.util.regex.Pattern.compile("^([^\\s!=]+)\\s+(in|notin)\\s+\\((.*)\\)$").matcher(r);
        if (set.matches()) {
            Set<String> values = Set.copyOf(List.of(set.group(3).split("\\s*,\\s*")).stream().map(String::trim).toList());
            String v = labels.get(set.group(1));
            return set.group(2).equals("in") ? v != null && values.contains(v) : v == null || !values.contains(v);
        }
        if (r.startsWith("!")) {
            return !labels.containsKey(r.substring(1).trim());
        }
        int ne = r.indexOf("!=");
        if (ne > 0) {
            return !r.substring(ne + 2).trim().equals(labels.get(r.substring(0, ne).trim()));
        }
        int eq = r.indexOf('=');
        if (eq > 0) {
            String value = r.substring(r.startsWith("==", eq) ? eq + 2 : eq + 1).trim();
            return value.equals(labels.get(r.substring(0, eq).trim()));
        }
        if (r.matches("[A-Za-z0-9._/-]+")) {
            return labels.containsKey(r);
        }
        throw new RenderException(file, field, "cannot parse selector requirement '" + r + "'");
    }

    /** Splits on commas outside parentheses. */
    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            if (c == ',' && depth == 0) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
