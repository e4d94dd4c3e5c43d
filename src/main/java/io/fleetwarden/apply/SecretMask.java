package io.fleetwarden.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * Hides a Secret's values before a diff of it leaves the {@code apply} package, as {@code flux diff} does: each
 * value becomes {@value #MASK}, and a value that differs between the live object and the one an apply would
 * leave becomes {@value #BEFORE} on one side and {@value #AFTER} on the other. So the diff shows which keys
 * were added, removed or changed, never what they hold.
 *
 * <p>Masked: {@code data} and {@code stringData}, and the {@value #LAST_APPLIED} annotation, in which
 * {@code kubectl apply} keeps a copy of the whole manifest, values included.
 */
final class SecretMask {

    static final String MASK = "*****";
    static final String BEFORE = "***** (before)";
    static final String AFTER = "***** (after)";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private static final List<String> VALUE_MAPS = List.of("data", "stringData");

    private SecretMask() {
    }

    static boolean isSecret(JsonNode object) {
        return object != null && "Secret".equals(object.path("kind").asText())
                && "v1".equals(object.path("apiVersion").asText());
    }

    /** Masks both sides of a diff in place; objects that are not Secrets are left alone. */
    static void mask(ObjectNode live, ObjectNode after) {
        if (!isSecret(live) && !isSecret(after)) {
            return;
        }
        for (String field : VALUE_MAPS) {
            maskValues(live.get(field), after.get(field));
        }
        maskValues(live.path("metadata").get("annotations"), after.path("metadata").get("annotations"),
                LAST_APPLIED);
    }

    private static void maskValues(JsonNode before, JsonNode now) {
        ObjectNode b = before instanceof ObjectNode o ? o : null;
        ObjectNode a = now instanceof ObjectNode o ? o : null;
        if (b != null) {
            b.fieldNames().forEachRemaining(key -> mask(b, a, key));
        }
        if (a != null) {
            a.fieldNames().forEachRemaining(key -> {
                if (b == null || !b.has(key)) {
                    a.put(key, MASK);
                }
            });
        }
    }

    private static void maskValues(JsonNode before, JsonNode now, String key) {
        ObjectNode b = before instanceof ObjectNode o && o.has(key) ? o : null;
        ObjectNode a = now instanceof ObjectNode o && o.has(key) ? o : null;
        if (b != null) {
            mask(b, a, key);
        } else if (a != null) {
            a.put(key, MASK);
        }
    }

    /** {@code key} is in {@code before}; masks it there and, if present, in {@code after}. */
    private static void mask(ObjectNode before, ObjectNode after, String key) {
        if (after == null || !after.has(key)) {
            before.put(key, MASK);
            return;
        }
        boolean same = Objects.equals(before.get(key), after.get(key));
        before.put(key, same ? MASK : BEFORE);
        after.put(key, same ? MASK : AFTER);
    }
}
