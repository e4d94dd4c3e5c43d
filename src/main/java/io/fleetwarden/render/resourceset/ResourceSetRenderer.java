package io.fleetwarden.render.resourceset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a Flux Operator {@code ResourceSet} (fluxcd.controlplane.io/v1) to the objects it would apply, as
 * {@code flux-operator build resourceset} does: inputs combined from {@code spec.inputs} and Static
 * {@code ResourceSetInputProvider}s (Flatten or Permute), every {@code resources[]} entry serialised to YAML the
 * way Flux Operator serialises it and templated per input set, then {@code resourcesTemplate}, de-duplicated by
 * group/kind/namespace/name with {@code resources} winning, objects annotated
 * {@code fluxcd.controlplane.io/reconcile: disabled} dropped, {@code steps} built one by one, and finally
 * {@code commonMetadata} and the owner labels applied.
 *
 * <p>Pure: objects in, objects out. Bounded by {@link #MAX_INPUT_SETS}, {@link #MAX_OBJECTS} and the template
 * limits of {@link GoTemplate}.
 */
public final class ResourceSetRenderer {

    public static final String GROUP = "fluxcd.controlplane.io";
    public static final String API_VERSION = GROUP + "/v1";
    public static final String RSIP_KIND = "ResourceSetInputProvider";
    static final String RECONCILE_ANNOTATION = GROUP + "/reconcile";

    /** Most input sets after combining (Flux Operator's Permute limit; fleetwarden applies it to Flatten too). */
    public static final int MAX_INPUT_SETS = 10_000;
    /** Most objects one ResourceSet may render. */
    public static final int MAX_OBJECTS = 10_000;
    /** Most steps (the CRD's maxItems). */
    public static final int MAX_STEPS = 20;
    /** Largest YAML document read back from a template's output, in code points. */
    static final int MAX_DOCUMENT_CHARS = GoTemplate.MAX_OUTPUT_CHARS;

    private ResourceSetRenderer() {
    }

    /** A step's objects; {@code name} is empty for a ResourceSet without steps. */
    public record Step(String name, List<Map<String, Object>> objects) {
    }

    /** A ResourceSet that cannot be rendered: invalid spec, inputs, template or output. */
    public static final class RenderException extends Exception {
        public RenderException(String message) {
            super(message);
        }
    }

    /**
     * Renders {@code resourceSet}. {@code providers} are the ResourceSetInputProvider objects available (as
     * {@code --inputs-from-provider} gives them): only those in the ResourceSet's namespace and referenced by
     * {@code spec.inputsFrom} (by name or label selector) are used; only the Static type is supported.
     */
    public static List<Step> render(Map<String, Object> resourceSet, List<Map<String, Object>> providers)
            throws RenderException {
        Map<String, Object> metadata = map(resourceSet.get("metadata"), "metadata");
        String name = str(metadata.get("name"));
        String namespace = str(metadata.get("namespace"));
        if (name.isEmpty()) {
            throw new RenderException("ResourceSet name must be set in the manifest");
        }
        if (namespace.isEmpty()) {
            throw new RenderException("ResourceSet namespace must be set in the manifest");
        }
        Map<String, Object> spec = map(resourceSet.get("spec"), "spec");
        validate(spec);

        List<Map<String, Object>> inputs = Inputs.combine(name, namespace, spec, providers == null ? List.of()
                : providers);

        List<Step> steps = new ArrayList<>();
        List<Object> stepSpecs = list(spec.get("steps"), "spec.steps");
        int total = 0;
        if (stepSpecs.isEmpty()) {
            List<Map<String, Object>> objects = build(str(spec.get("resourcesTemplate")),
                    list(spec.get("resources"), "spec.resources"), inputs, "");
            steps.add(new Step("", objects));
            total = objects.size();
        } else {
            Map<String, String> stepOfObject = new HashMap<>();
            for (int s = 0; s < stepSpecs.size(); s++) {
                Map<String, Object> step = map(stepSpecs.get(s), "spec.steps[" + s + "]");
                String stepName = str(step.get("name"));
                List<Map<String, Object>> objects;
                try {
                    objects = build(str(step.get("resourcesTemplate")), list(step.get("resources"),
                            "spec.steps[" + s + "].resources"), inputs, "step \"" + stepName + "\": ");
                } catch (RenderException e) {
                    throw new RenderException("step \"" + stepName + "\": " + e.getMessage());
                }
                for (Map<String, Object> o : objects) {
                    String key = objectKey(o);
                    String prev = stepOfObject.get(key);
                    if (prev != null && !prev.equals(stepName)) {
                        throw new RenderException("duplicate resource " + describe(o) + " in step \"" + stepName
                                + "\", already defined in step \"" + prev + "\"");
                    }
                    stepOfObject.put(key, stepName);
                }
                total += objects.size();
                if (total > MAX_OBJECTS) {
                    throw new RenderException("the ResourceSet renders more than " + MAX_OBJECTS + " objects");
                }
                steps.add(new Step(stepName, objects));
            }
        }

        Map<String, Object> common = spec.get("commonMetadata") instanceof Map<?, ?> m ? cast(m) : Map.of();
        for (Step st : steps) {
            for (Map<String, Object> o : st.objects) {
                setCommonMetadata(o, "labels", common.get("labels"));
                setCommonMetadata(o, "annotations", common.get("annotations"));
                Map<String, Object> owner = new TreeMap<>();
                owner.put("resourceset." + GROUP + "/name", name);
                owner.put("resourceset." + GROUP + "/namespace", namespace);
                setCommonMetadata(o, "labels", owner);
            }
        }
        return steps;
    }

    /**
     * How many input sets {@code resourceSet} has after combining its own and its providers' inputs (Flatten or
     * Permute): what Flux Operator records as a history snapshot's {@code inputs}.
     */
    public static int inputSets(Map<String, Object> resourceSet, List<Map<String, Object>> providers)
            throws RenderException {
        Map<String, Object> metadata = map(resourceSet.get("metadata"), "metadata");
        return Inputs.combine(str(metadata.get("name")), str(metadata.get("namespace")),
                map(resourceSet.get("spec"), "spec"), providers == null ? List.of() : providers).size();
    }

    /** The CRD's structural rules (the API server enforces them; the CLI checks only some). */
    public static void validate(Map<String, Object> spec) throws RenderException {
        boolean hasSteps = spec.get("steps") != null;
        boolean hasResources = spec.get("resources") != null || spec.get("resourcesTemplate") != null;
        if (hasSteps && hasResources) {
            throw new RenderException("spec.steps is mutually exclusive with spec.resources and spec.resourcesTemplate");
        }
        if (!hasSteps && !hasResources) {
            throw new RenderException("at least one of steps, resources or resourcesTemplate must be set");
        }
        if (hasSteps) {
            List<Object> steps = list(spec.get("steps"), "spec.steps");
            if (steps.isEmpty() || steps.size() > MAX_STEPS) {
                throw new RenderException("spec.steps must have between 1 and " + MAX_STEPS + " items, has "
                        + steps.size());
            }
            java.util.Set<String> names = new java.util.HashSet<>();
            for (int i = 0; i < steps.size(); i++) {
                Map<String, Object> step = map(steps.get(i), "spec.steps[" + i + "]");
                String n = str(step.get("name"));
                if (!n.matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") || n.length() > 63) {
                    throw new RenderException("spec.steps[" + i + "].name \"" + n + "\" must be a DNS label");
                }
                if (!names.add(n)) {
                    throw new RenderException("step names must be unique: \"" + n + "\"");
                }
                if (step.get("resources") == null && step.get("resourcesTemplate") == null) {
                    throw new RenderException("step \"" + n + "\": at least one of resources or resourcesTemplate must "
                            + "be set");
                }
            }
        }
        Object strategy = spec.get("inputStrategy");
        if (strategy != null) {
            Map<String, Object> st = map(strategy, "spec.inputStrategy");
            String n = str(st.get("name"));
            if (!n.isEmpty() && !n.equals("Flatten") && !n.equals("Permute")) {
                throw new RenderException("unknown input strategy: '" + n + "'");
            }
            if (st.get("includeEmptyProviders") != null && !n.equals("Permute")) {
                throw new RenderException("includeEmptyProviders only applies when name is Permute");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ build

    private static List<Map<String, Object>> build(String yamlTemplate, List<Object> templates,
            List<Map<String, Object>> inputs, String where) throws RenderException {
        List<Map<String, Object>> objects = new ArrayList<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (int i = 0; i < templates.size(); i++) {
            Object tmpl = templates.get(i);
            String text = GoYaml.marshal(tmpl);
            String what = "resources[" + i + "] (" + templateIdentity(tmpl) + ")";
            if (inputs.isEmpty()) {
                Map<String, Object> o = buildOne(text, null, what, "no inputs");
                add(objects, keys, o, false);
                continue;
            }
            for (int k = 0; k < inputs.size(); k++) {
                Map<String, Object> o = buildOne(text, inputs.get(k), what, inputSetName(k, inputs.get(k)));
                if (disabled(o)) {
                    continue;
                }
                add(objects, keys, o, true);
            }
        }
        if (!yamlTemplate.isEmpty()) {
            List<Map<String, Object>> fromTemplate = new ArrayList<>();
            if (inputs.isEmpty()) {
                fromTemplate.addAll(buildMany(yamlTemplate, null, "no inputs"));
            }
            for (int k = 0; k < inputs.size(); k++) {
                fromTemplate.addAll(buildMany(yamlTemplate, inputs.get(k), inputSetName(k, inputs.get(k))));
                if (fromTemplate.size() > MAX_OBJECTS) {
                    throw new RenderException("resourcesTemplate renders more than " + MAX_OBJECTS + " objects");
                }
            }
            for (Map<String, Object> o : fromTemplate) {
                if (!disabled(o)) {
                    add(objects, keys, o, true);
                }
            }
        }
        return objects;
    }

    private static void add(List<Map<String, Object>> objects, java.util.Set<String> keys, Map<String, Object> o,
            boolean dedup) throws RenderException {
        String key = objectKey(o);
        if (dedup && keys.contains(key)) {
            return;
        }
        keys.add(key);
        objects.add(o);
        if (objects.size() > MAX_OBJECTS) {
            throw new RenderException("the ResourceSet renders more than " + MAX_OBJECTS + " objects");
        }
    }

    private static String inputSetName(int k, Map<String, Object> in) {
        StringBuilder sb = new StringBuilder("input set #" + k);
        if (in.get("provider") instanceof Map<?, ?> p) {
            sb.append(" from ").append(p.get("kind")).append('/').append(p.get("name"));
        }
        if (in.get("id") != null) {
            sb.append(" (id ").append(GoValues.print(in.get("id"))).append(')');
        }
        return sb.toString();
    }

    private static String templateIdentity(Object tmpl) {
        if (tmpl instanceof Map<?, ?> m) {
            Object kind = m.get("kind");
            Object name = m.get("metadata") instanceof Map<?, ?> md ? md.get("name") : null;
            return (kind == null ? "?" : kind) + "/" + (name == null ? "?" : name);
        }
        return "not an object";
    }

    private static Map<String, Object> buildOne(String text, Map<String, Object> input, String what, String set)
            throws RenderException {
        String out = execute(text, input, what, set);
        List<Object> docs;
        try {
            docs = GoYaml.readDocuments(out, MAX_DOCUMENT_CHARS);
        } catch (GoYaml.YamlError e) {
            throw new RenderException("failed to build " + what + " for " + set + ": failed to read object: "
                    + "error converting YAML to JSON: " + e.getMessage());
        }
        // Flux Operator decodes only the first document.
        Object first = docs.isEmpty() ? null : docs.get(0);
        if (docs.isEmpty()) {
            throw new RenderException("failed to build " + what + " for " + set + ": failed to read object: EOF");
        }
        if (!(first instanceof Map<?, ?> m)) {
            throw new RenderException("failed to build " + what + " for " + set + ": failed to read object: "
                    + "not a YAML mapping");
        }
        Map<String, Object> o = cast(m);
        if (str(o.get("kind")).isEmpty()) {
            throw new RenderException("failed to build " + what + " for " + set + ": failed to read object: "
                    + "Object 'Kind' is missing");
        }
        return o;
    }

    private static List<Map<String, Object>> buildMany(String yamlTemplate, Map<String, Object> input, String set)
            throws RenderException {
        String what = "resourcesTemplate";
        String out = execute(yamlTemplate, input, what, set);
        List<Map<String, Object>> objects = new ArrayList<>();
        int index = 0;
        for (String doc : splitDocuments(out, what, set)) {
            List<Object> parsed;
            try {
                parsed = GoYaml.readDocuments(doc, MAX_DOCUMENT_CHARS);
            } catch (GoYaml.YamlError e) {
                throw new RenderException("failed to build " + what + " for " + set + ": document #" + index
                        + ": error converting YAML to JSON: " + e.getMessage());
            }
            index++;
            Object v = parsed.isEmpty() ? null : parsed.get(0);
            if (v == null) {
                continue;
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw new RenderException("failed to build " + what + " for " + set + ": document #" + (index - 1)
                        + " is not a YAML mapping");
            }
            Map<String, Object> o = cast(m);
            if (str(o.get("kind")).isEmpty()) {
                throw new RenderException("failed to build " + what + " for " + set + ": document #" + (index - 1)
                        + ": Object 'Kind' is missing");
            }
            if (o.get("items") instanceof List<?> l) {
                // a List's items are taken as they are (Flux Operator checks only top-level objects)
                for (Object it : l) {
                    if (it instanceof Map<?, ?> im) {
                        objects.add(cast(im));
                    }
                }
                continue;
            }
            for (Map<String, Object> it : List.of(o)) {
                String kind = str(it.get("kind"));
                String apiVersion = str(it.get("apiVersion"));
                String n = it.get("metadata") instanceof Map<?, ?> md ? str(md.get("name")) : "";
                if (n.isEmpty() || kind.isEmpty() || apiVersion.isEmpty()) {
                    continue;
                }
                if (kind.equalsIgnoreCase("kustomization") && apiVersion.startsWith("kustomize.config.k8s.io/")) {
                    continue;
                }
                objects.add(it);
            }
        }
        return objects;
    }

    /** The Kubernetes YAML reader's split: a line starting with "---" followed only by spaces or a comment. */
    static List<String> splitDocuments(String text, String what, String set) throws RenderException {
        List<String> docs = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : text.split("(?<=\n)", -1)) {
            if (line.startsWith("---")) {
                String rest = line.substring(3).strip();
                if (!rest.isEmpty() && !rest.startsWith("#")) {
                    throw new RenderException("failed to build " + what + " for " + set
                            + ": invalid YAML document separator: " + line.strip());
                }
                if (cur.length() > 0) {
                    docs.add(cur.toString());
                }
                cur.setLength(0);
                continue;
            }
            cur.append(line);
        }
        if (cur.length() > 0) {
            docs.add(cur.toString());
        }
        return docs;
    }

    private static String execute(String text, Map<String, Object> input, String what, String set)
            throws RenderException {
        try {
            GoTemplate t = GoTemplate.parse("resourceset", text, new Functions(input == null ? new TreeMap<>() : input));
            return t.execute(null);
        } catch (TemplateException e) {
            throw new RenderException("failed to build " + what + " for " + set + ": " + e.getMessage());
        }
    }

    private static boolean disabled(Map<String, Object> o) {
        return o.get("metadata") instanceof Map<?, ?> md && md.get("annotations") instanceof Map<?, ?> a
                && "disabled".equals(a.get(RECONCILE_ANNOTATION));
    }

    static String objectKey(Map<String, Object> o) {
        String apiVersion = str(o.get("apiVersion"));
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.lastIndexOf('/')) : "";
        Map<String, Object> md = o.get("metadata") instanceof Map<?, ?> m ? cast(m) : Map.of();
        return String.join("/", group, str(o.get("kind")), str(md.get("namespace")), str(md.get("name")));
    }

    private static String describe(Map<String, Object> o) {
        Map<String, Object> md = o.get("metadata") instanceof Map<?, ?> m ? cast(m) : Map.of();
        String ns = str(md.get("namespace"));
        return str(o.get("kind")) + "/" + (ns.isEmpty() ? "" : ns + "/") + str(md.get("name"));
    }

    private static void setCommonMetadata(Map<String, Object> o, String field, Object values) {
        if (!(values instanceof Map<?, ?> vm) || vm.isEmpty()) {
            return;
        }
        Map<String, Object> md = o.get("metadata") instanceof Map<?, ?> m ? cast(m) : null;
        if (md == null) {
            md = new TreeMap<>();
            o.put("metadata", md);
        }
        Map<String, Object> target = md.get(field) instanceof Map<?, ?> t ? cast(t) : new TreeMap<>();
        target = new TreeMap<>(target);
        for (Map.Entry<?, ?> e : vm.entrySet()) {
            target.put(String.valueOf(e.getKey()), e.getValue() == null ? "" : e.getValue());
        }
        md.put(field, target);
    }

    // ------------------------------------------------------------------------------------------------ output

    /** What {@code flux-operator build resourceset} prints: "# step: NAME" headers, then "---" and YAML per object. */
    public static String toYaml(List<Step> steps) {
        StringBuilder sb = new StringBuilder();
        for (Step st : steps) {
            if (!st.name.isEmpty() && !st.objects.isEmpty()) {
                sb.append("# step: ").append(st.name).append('\n');
            }
            for (Map<String, Object> o : st.objects) {
                sb.append("---\n").append(GoYaml.marshal(o));
            }
        }
        return sb.toString();
    }

    /** Parses a YAML stream as Flux Operator reads manifests (go-yaml v2 YAML 1.1, JSON numbers). */
    public static List<Object> readYaml(String text) throws RenderException {
        try {
            return GoYaml.readDocuments(text, MAX_DOCUMENT_CHARS);
        } catch (GoYaml.YamlError e) {
            throw new RenderException("error converting YAML to JSON: " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    public static Map<String, Object> map(Object v, String field) throws RenderException {
        if (v == null) {
            return new LinkedHashMap<>();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new RenderException(field + " must be an object");
        }
        return cast(m);
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object v, String field) throws RenderException {
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw new RenderException(field + " must be a list");
        }
        return (List<Object>) l;
    }

    static String str(Object v) {
        return v instanceof String s ? s : "";
    }
}
