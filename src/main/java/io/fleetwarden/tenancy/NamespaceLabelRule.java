package io.fleetwarden.tenancy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Namespace objects: only platform identities may add, remove or change a label that decides tenancy (any key
 * read by the tenant namespace selector or a tenant's selector). Otherwise a tenant could label itself out of
 * the rules, or label another namespace into its own tenant entry's selector.
 */
final class NamespaceLabelRule {

    private NamespaceLabelRule() {
    }

    static TenancyDecision check(TenancyRules rules, TenancyRequest req) {
        if (req.operation() == Operation.DELETE) {
            return TenancyDecision.Allowed.plain();
        }
        Map<String, String> before = req.operation() == Operation.CREATE ? Map.of() : labels(req.oldObject());
        Map<String, String> after = labels(req.object());
        Set<String> changed = new TreeSet<>();
        for (String key : tenancyLabelKeys(rules)) {
            if (!java.util.Objects.equals(before.get(key), after.get(key))) {
                changed.add(key);
            }
        }
        if (changed.isEmpty()) {
            return TenancyDecision.Allowed.plain();
        }
        if (!rules.isPlatformIdentity(req.username(), req.groups())) {
            List<TenancyViolation> v = new ArrayList<>();
            for (String key : changed) {
                String keep = before.containsKey(key) ? "keep it " + Names.quote(before.get(key)) : "leave it unset";
                v.add(new TenancyViolation("namespace.tenancy-label", "metadata.labels[\"" + key + "\"]",
                        "decides tenancy and only platform identities (users " + new TreeSet<>(rules.platformUsernames())
                                + ", groups " + new TreeSet<>(rules.platformGroups()) + ") may change it; " + keep));
            }
            return new TenancyDecision.Denied(v);
        }
        List<String> warnings = new ArrayList<>();
        String name = req.object().path("metadata").path("name").asText(req.name());
        if (rules.platformNamespaces().contains(name) && rules.tenantNamespaceSelector().matches(after)) {
            warnings.add("namespace " + name + " is listed in platformNamespaces and stays platform despite its labels");
        }
        return new TenancyDecision.Allowed(List.of(), warnings);
    }

    static Set<String> tenancyLabelKeys(TenancyRules rules) {
        Set<String> keys = new TreeSet<>(rules.tenantNamespaceSelector().keys());
        rules.tenants().stream().filter(t -> t.selector() != null).forEach(t -> keys.addAll(t.selector().keys()));
        return keys;
    }

    /** Labels of a Namespace object; a non-string value is kept as its JSON so that changing it is seen. */
    static Map<String, String> labels(JsonNode object) {
        Map<String, String> out = new HashMap<>();
        if (object == null) {
            return out;
        }
        object.path("metadata").path("labels").fields().forEachRemaining(
                e -> out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        return out;
    }
}
