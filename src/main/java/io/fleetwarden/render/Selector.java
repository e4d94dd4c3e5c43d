package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A patch or replica target: group, version, kind, name and namespace are anchored RE2 regular expressions
 * (kustomize wraps them in {@code ^(?:...)$}), matched against the original or the current id;
 * {@code labelSelector} and {@code annotationSelector} are Kubernetes label selectors (equality, set-based
 * {@code in}/{@code notin}, existence).
 */
record Selector(Pattern group, Pattern version, Pattern kind, Pattern name, Pattern namespace, String labelSelector,
        String annotationSelector) {

    private static final List<String> FIELDS = List.of("group", "version", "kind", "name", "namespace",
            "labelSelector", "annotationSelector");

    static Selector parse(JsonNode t, String file, String field) {
        if (!t.isObject()) {
            throw new RenderException(file, field, "a target is a mapping");
        }
        for (var it = t.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new RenderException(file, field + "." + f, "unsupported target field");
            }
        }
        return new Selector(re(t, "group", file, field), re(t, "version", file, field), re(t, "kind", file, field),
                re(t, "name", file, field), re(t, "namespace", file, field), t.path("labelSelector").asText(""),
                t.path("annotationSelector").asText(""));
    }

    private static Pattern re(JsonNode t, String f, String file, String field) {
        String v = t.path(f).asText("");
        if (v.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile("^(?:" + v + ")$");
        } catch (PatternSyntaxException e) {
            throw new RenderException(file, field + "." + f, "not a valid regular expression: " + e.getMessage());
        }
    }

    List<Resource> select(List<Resource> resources, String file, String field) {
        List<Resource> out = new ArrayList<>();
        for (Resource r : resources) {
            ResId cur = r.curId();
            ResId org = r.orgId();
            if (namespace != null && !namespace.matcher(org.effectiveNamespace()).matches()
                    && !namespace.matcher(cur.effectiveNamespace()).matches()) {
                continue;
            }
            if (name != null && !name.matcher(org.name()).matches() && !name.matcher(cur.name()).matches()) {
                continue;
            }
            if (!matches(group, cur.group()) || !matches(version, cur.version()) || !matches(kind, cur.kind())) {
                continue;
            }
            if (!labelSelector.isEmpty() && !LabelSelector.matches(labelSelector, map(r.object().path("metadata")
                    .path("labels")), file, field + ".labelSelector")) {
                continue;
            }
            if (!annotationSelector.isEmpty() && !LabelSelector.matches(annotationSelector, map(r.object()
                    .path("metadata").path("annotations")), file, field + ".annotationSelector")) {
                continue;
            }
            out.add(r);
        }
        return out;
    }

    /**
     * Whether one object as it stands matches, the way fluxcd/pkg/ssa's jsondiff selector matches (a Kustomization's
     * {@code spec.ignore[].target}): its own namespace ("" when it has none), name, group, version and kind, labels
     * and annotations.
     */
    boolean matchesObject(JsonNode o, String file, String field) {
        JsonNode meta = o.path("metadata");
        ResId id = ResId.of(o.path("apiVersion").asText(""), o.path("kind").asText(""), meta.path("name").asText(""),
                meta.path("namespace").asText(""));
        return matches(namespace, meta.path("namespace").asText("")) && matches(name, id.name())
                && matches(group, id.group()) && matches(version, id.version()) && matches(kind, id.kind())
                && (labelSelector.isEmpty() || LabelSelector.matches(labelSelector, map(meta.path("labels")), file,
                        field + ".labelSelector"))
                && (annotationSelector.isEmpty() || LabelSelector.matches(annotationSelector,
                        map(meta.path("annotations")), file, field + ".annotationSelector"));
    }

    private static boolean matches(Pattern p, String v) {
        return p == null || p.matcher(v).matches();
    }

    private static Map<String, String> map(JsonNode n) {
        Map<String, String> m = new java.util.HashMap<>();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
