package io.fleetwarden.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who owns a field of a live object by server-side apply, read from its {@code metadata.managedFields} as
 * fluxcd/pkg/ssa reads them for drift ignore rules: only {@code Apply} entries of the object itself (not of a
 * subresource such as {@code scale}, which is how an HPA writes replicas) count, and a JSON pointer becomes a
 * {@code fieldsV1} path ({@code f:spec}, {@code f:replicas}), an array index the {@code k:{...}} key of the item at
 * that index. A path that cannot be resolved is owned by nobody else.
 */
final class FieldOwners {

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Entry(String manager, JsonNode fields) {
    }

    private final List<Entry> appliers;

    private FieldOwners(List<Entry> appliers) {
        this.appliers = appliers;
    }

    static FieldOwners of(JsonNode live) {
        List<Entry> entries = new ArrayList<>();
        for (JsonNode mf : live.path("metadata").path("managedFields")) {
            if (!"Apply".equals(mf.path("operation").asText()) || !mf.path("subresource").asText("").isEmpty()
                    || !mf.path("fieldsV1").isObject()) {
                continue;
            }
            entries.add(new Entry(mf.path("manager").asText(""), mf.get("fieldsV1")));
        }
        return new FieldOwners(entries);
    }

    /** Whether an apply manager other than {@code ours} owns {@code path} of {@code live}. */
    boolean ownedByAnotherApplier(JsonNode live, List<String> path, String ours) {
        List<String> segments = segments(live, path);
        if (segments == null) {
            return false;
        }
        for (Entry e : appliers) {
            if (!e.manager().equals(ours) && contains(e.fields(), segments)) {
                return true;
            }
        }
        return false;
    }

    /** The fieldsV1 path of a pointer into {@code live}, or null when an array item has no {@code k:} key. */
    private List<String> segments(JsonNode live, List<String> path) {
        List<String> segments = new ArrayList<>();
        JsonNode at = live;
        for (String token : path) {
            if (token.matches("[+-]?[0-9]{1,9}")) {
                // As Flux: a number is an array index, never a map key; anything else leaves the path unresolved.
                int i = Integer.parseInt(token);
                JsonNode item = at != null && at.isArray() && i >= 0 && i < at.size() ? at.get(i) : null;
                String key = item instanceof ObjectNode o ? keyOf(o, segments) : null;
                if (key == null) {
                    return null;
                }
                segments.add(key);
                at = item;
            } else {
                segments.add("f:" + token);
                at = at == null ? null : at.get(token);
            }
        }
        return segments;
    }

    /** The {@code k:{...}} key, among every apply entry's keys under {@code parent}, whose pairs the item holds. */
    private String keyOf(ObjectNode item, List<String> parent) {
        Set<String> keys = new LinkedHashSet<>();
        for (Entry e : appliers) {
            JsonNode node = walk(e.fields(), parent);
            if (node != null) {
                node.fieldNames().forEachRemaining(k -> {
                    if (k.startsWith("k:")) {
                        keys.add(k);
                    }
                });
            }
        }
        for (String k : keys) {
            JsonNode pairs;
            try {
                pairs = JSON.readTree(k.substring(2));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                continue;
            }
            if (pairs.isObject() && holds(item, pairs)) {
                return k;
            }
        }
        return null;
    }

    private static boolean holds(ObjectNode item, JsonNode pairs) {
        for (Iterator<Map.Entry<String, JsonNode>> it = pairs.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> p = it.next();
            JsonNode v = item.get(p.getKey());
            if (v == null || !(v.equals(p.getValue()) || v.isNumber() && p.getValue().isNumber()
                    && v.decimalValue().compareTo(p.getValue().decimalValue()) == 0)) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode walk(JsonNode fields, List<String> segments) {
        JsonNode at = fields;
        for (String s : segments) {
            at = at.get(s);
            if (at == null || !at.isObject()) {
                return null;
            }
        }
        return at;
    }

    /** Whether the path is in the entry's fields (existence of the last segment is enough). */
    private static boolean contains(JsonNode fields, List<String> segments) {
        if (segments.isEmpty()) {
            return false;
        }
        JsonNode at = fields;
        for (int i = 0; i < segments.size(); i++) {
            JsonNode child = at.get(segments.get(i));
            if (child == null) {
                return false;
            }
            if (i == segments.size() - 1) {
                return true;
            }
            if (!child.isObject()) {
                return false;
            }
            at = child;
        }
        return true;
    }
}
