package io.fleetwarden.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.render.ObjectSelector;
import io.fleetwarden.render.RenderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Flux Kustomization's {@code spec.ignore}: JSON pointer paths, each rule for the objects its {@code target}
 * selects (all without one), left out of drift detection and of what is applied, as kustomize-controller v1.9.4 does
 * with fluxcd/pkg/ssa's drift ignore rules. This is how an HPA's {@code /spec/replicas} or a VPA's resource requests
 * stay the other controller's:
 * <ul>
 * <li>an object whose only differences from the live one lie under ignored paths is not applied;</li>
 * <li>when it is applied for another difference, each ignored path whose value differs from the live one is taken
 * out of the request where another server-side-apply manager owns it (its value stays that manager's), and
 * otherwise set to the live value (we keep owning the field, at the value the cluster holds);</li>
 * <li>an object that does not exist yet is created as the manifests say.</li>
 * </ul>
 * Compiled once per spec; pure (no I/O).
 */
public final class DriftIgnore {

    /** No rules: everything is compared and applied. */
    public static final DriftIgnore NONE = new DriftIgnore(List.of());

    private record Rule(ObjectSelector target, List<List<String>> paths, List<String> pointers) {
    }

    private final List<Rule> rules;

    private DriftIgnore(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * Compiles {@code spec.ignore}.
     *
     * @throws IllegalArgumentException naming the field ({@code spec.ignore[0].paths[1]: ...})
     */
    public static DriftIgnore compile(JsonNode ignore) {
        if (ignore == null || !ignore.isArray() || ignore.isEmpty()) {
            return NONE;
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < ignore.size(); i++) {
            JsonNode rule = ignore.get(i);
            String field = "spec.ignore[" + i + "]";
            ObjectSelector target = null;
            if (rule.hasNonNull("target")) {
                try {
                    target = ObjectSelector.parse(rule.get("target"), field + ".target");
                } catch (RenderException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            List<List<String>> paths = new ArrayList<>();
            List<String> pointers = new ArrayList<>();
            JsonNode p = rule.path("paths");
            if (!p.isArray() || p.isEmpty()) {
                throw new IllegalArgumentException(field + ".paths: at least one JSON pointer is required");
            }
            for (int j = 0; j < p.size(); j++) {
                String pointer = p.get(j).asText("");
                paths.add(JsonPointers.parse(pointer, field + ".paths[" + j + "]"));
                pointers.add(pointer);
            }
            rules.add(new Rule(target, paths, pointers));
        }
        return new DriftIgnore(rules);
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The ignored paths that apply to {@code object}, as parsed pointers. */
    List<List<String>> pathsFor(ObjectNode object) {
        List<List<String>> out = new ArrayList<>();
        for (Rule r : rules) {
            if (r.target() == null || r.target().matches(object)) {
                out.addAll(r.paths());
            }
        }
        return out;
    }

    /** A copy of {@code object} without {@code paths} (paths it does not have are skipped). */
    static ObjectNode without(ObjectNode object, List<List<String>> paths) {
        ObjectNode copy = object.deepCopy();
        for (List<String> path : paths) {
            JsonPointers.remove(copy, path);
        }
        return copy;
    }

    /**
     * What to apply for an existing object: {@code desired} with each ignored path whose value differs from the live
     * one taken out (another apply manager owns it) or set to the live value (we own it, or nobody does). A path
     * {@code desired} does not set is left alone: there is nothing of ours to keep out or to align.
     */
    static ObjectNode payload(ObjectNode desired, JsonNode live, List<List<String>> paths, String fieldManager) {
        ObjectNode out = desired.deepCopy();
        FieldOwners owners = FieldOwners.of(live);
        for (List<String> path : paths) {
            Optional<JsonNode> want = JsonPointers.get(desired, path);
            Optional<JsonNode> have = JsonPointers.get(live, path);
            if (want.isEmpty() || sameValue(want.get(), have)) {
                continue;
            }
            if (owners.ownedByAnotherApplier(live, path, fieldManager)) {
                JsonPointers.remove(out, path);
            } else {
                JsonPointers.set(out, path, have.isPresent() ? have.get().deepCopy() : NullNode.getInstance());
            }
        }
        return out;
    }

    /** Equal as the live object holds it: what we set is there (the API server may have added defaults within). */
    private static boolean sameValue(JsonNode want, Optional<JsonNode> have) {
        if (have.isEmpty()) {
            return false;
        }
        if (want.isObject() && have.get().isObject()) {
            return LiveComparison.firstDifference((ObjectNode) want, have.get()).isEmpty();
        }
        if (want.isArray() && have.get().isArray()) {
            // LiveComparison compares objects: the two lists under one key.
            return LiveComparison.firstDifference(wrap(want), wrap(have.get())).isEmpty();
        }
        return want.equals(have.get()) || want.isNumber() && have.get().isNumber()
                && want.decimalValue().compareTo(have.get().decimalValue()) == 0;
    }

    private static ObjectNode wrap(JsonNode list) {
        ObjectNode o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        o.set("v", list);
        return o;
    }
}
