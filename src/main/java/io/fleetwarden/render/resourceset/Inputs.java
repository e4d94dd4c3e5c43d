package io.fleetwarden.render.resourceset;

import io.fleetwarden.render.resourceset.ResourceSetRenderer.RenderException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The input sets of a ResourceSet: its own {@code spec.inputs} first, then the exported inputs of the
 * referenced ResourceSetInputProviders sorted by namespace and name, each set given a {@code provider} entry;
 * combined by Flatten (concatenation) or Permute (Cartesian product, each provider's set under its normalised
 * name, {@code id} the adler32 of "name=index/..."). A Static provider given as an object exports its
 * {@code spec.defaultValues} with {@code id} = adler32 of its name, as the offline Flux Operator CLI does.
 */
final class Inputs {

    private Inputs() {
    }

    private record Provider(String kind, String name, String namespace, List<Map<String, Object>> inputs) {
    }

    static List<Map<String, Object>> combine(String rsName, String rsNamespace, Map<String, Object> spec,
            List<Map<String, Object>> providerObjects) throws RenderException {
        List<Object> inputsFrom = ResourceSetRenderer.list(spec.get("inputsFrom"), "spec.inputsFrom");
        List<Provider> providers = new ArrayList<>();
        List<Map<String, Object>> own = new ArrayList<>();
        List<Object> inline = ResourceSetRenderer.list(spec.get("inputs"), "spec.inputs");
        for (int i = 0; i < inline.size(); i++) {
            Map<String, Object> set = new TreeMap<>(ResourceSetRenderer.map(inline.get(i), "spec.inputs[" + i + "]"));
            refuseNulls(set, "spec.inputs[" + i + "]");
            own.add(set);
        }
        providers.add(new Provider("ResourceSet", rsName, rsNamespace, own));
        providers.addAll(referenced(rsNamespace, inputsFrom, providerObjects));

        Map<String, Object> strategy = ResourceSetRenderer.map(spec.get("inputStrategy"), "spec.inputStrategy");
        String strategyName = ResourceSetRenderer.str(strategy.get("name"));
        boolean includeEmpty = Boolean.TRUE.equals(strategy.get("includeEmptyProviders"))
                && strategyName.equals("Permute");
        for (Provider p : providers) {
            for (Map<String, Object> in : p.inputs) {
                Map<String, Object> prov = new TreeMap<>();
                prov.put("apiVersion", ResourceSetRenderer.API_VERSION);
                prov.put("kind", p.kind);
                prov.put("name", p.name);
                prov.put("namespace", p.namespace);
                in.put("provider", prov);
            }
        }
        if (strategyName.isEmpty() || strategyName.equals("Flatten")) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Provider p : providers) {
                out.addAll(p.inputs);
                if (out.size() > ResourceSetRenderer.MAX_INPUT_SETS) {
                    throw new RenderException("more than " + ResourceSetRenderer.MAX_INPUT_SETS + " input sets");
                }
            }
            return out;
        }
        if (!strategyName.equals("Permute")) {
            throw new RenderException("error combining inputs: unknown input strategy: '" + strategyName + "'");
        }
        return permute(providers, includeEmpty);
    }

    private static List<Map<String, Object>> permute(List<Provider> providers, boolean includeEmpty)
            throws RenderException {
        List<String> names = new ArrayList<>();
        List<List<Map<String, Object>>> sets = new ArrayList<>();
        long expected = 0;
        for (Provider p : providers) {
            if (!includeEmpty && p.inputs.isEmpty()) {
                continue;
            }
            expected = sets.isEmpty() ? p.inputs.size() : expected * p.inputs.size();
            if (expected > ResourceSetRenderer.MAX_INPUT_SETS) {
                throw new RenderException("error combining inputs: failed to get inputs from " + p.kind + "/" + p.name
                        + ": adding provider '" + p.name + "' with " + p.inputs.size()
                        + " inputs would exceed the maximum allowed permutations. max: "
                        + ResourceSetRenderer.MAX_INPUT_SETS + ", got: " + expected);
            }
            String n = normalizeKey(p.name);
            if (n.isEmpty()) {
                throw new RenderException("error combining inputs: failed to get inputs from " + p.kind + "/" + p.name
                        + ": normalized provider name is empty: '" + p.name + "'");
            }
            names.add(n);
            sets.add(p.inputs);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        if (sets.isEmpty() || sets.stream().anyMatch(List::isEmpty)) {
            return out;
        }
        int[] idx = new int[sets.size()];
        while (true) {
            Map<String, Object> perm = new TreeMap<>();
            List<String> id = new ArrayList<>();
            for (int p = 0; p < sets.size(); p++) {
                perm.put(names.get(p), sets.get(p).get(idx[p]));
                id.add(names.get(p) + "=" + idx[p]);
            }
            perm.put("id", Long.toString(Functions.adler32(String.join("/", id))));
            out.add(perm);
            int p = sets.size() - 1;
            while (p >= 0 && ++idx[p] == sets.get(p).size()) {
                idx[p] = 0;
                p--;
            }
            if (p < 0) {
                return out;
            }
        }
    }

    /** A null top-level input value crashes Flux Operator (a nil JSON pointer); refuse it with a message instead. */
    private static void refuseNulls(Map<String, Object> set, String where) throws RenderException {
        for (Map.Entry<String, Object> e : set.entrySet()) {
            if (e.getValue() == null) {
                throw new RenderException(where + "." + e.getKey() + " is null: Flux Operator cannot read a null "
                        + "input value (give it a value, or leave the key out and use `get inputs \"" + e.getKey()
                        + "\"`)");
            }
        }
    }

    /** Flux Operator's NormalizeKeyForTemplate: lower case, spaces and punctuation to "_", others dropped. */
    static String normalizeKey(String key) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < key.length(); ) {
            int cp = key.codePointAt(i);
            i += Character.charCount(cp);
            int r = Character.toLowerCase(cp);
            if (Character.isWhitespace(r) || isPunct(r)) {
                sb.append('_');
            } else if (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
                sb.appendCodePoint(r);
            }
        }
        List<String> words = new ArrayList<>();
        for (String w : sb.toString().split("_")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return String.join("_", words);
    }

    private static boolean isPunct(int cp) {
        int t = Character.getType(cp);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION
                || t == Character.START_PUNCTUATION || t == Character.END_PUNCTUATION
                || t == Character.INITIAL_QUOTE_PUNCTUATION || t == Character.FINAL_QUOTE_PUNCTUATION
                || t == Character.OTHER_PUNCTUATION;
    }

    /** The providers spec.inputsFrom selects, in Flux Operator's order (namespace, then name). */
    private static List<Provider> referenced(String rsNamespace, List<Object> inputsFrom,
            List<Map<String, Object>> objects) throws RenderException {
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        for (Map<String, Object> o : objects) {
            Map<String, Object> md = ResourceSetRenderer.map(o.get("metadata"), "metadata");
            String ns = ResourceSetRenderer.str(md.get("namespace"));
            if (!ns.isEmpty() && !ns.equals(rsNamespace)) {
                continue; // providers must be in the ResourceSet's namespace
            }
            String name = ResourceSetRenderer.str(md.get("name"));
            if (name.isEmpty()) {
                throw new RenderException("ResourceSetInputProvider name must be set in the manifest");
            }
            Map<String, Object> spec = ResourceSetRenderer.map(o.get("spec"), "spec");
            String type = ResourceSetRenderer.str(spec.get("type"));
            if (!type.equals("Static")) {
                throw new RenderException("unsupported provider type '" + type + "' of ResourceSetInputProvider/" + name
                        + ", only 'Static' is supported");
            }
            byName.put(name, o);
        }
        Map<String, Map<String, Object>> selected = new TreeMap<>();
        for (int i = 0; i < inputsFrom.size(); i++) {
            Map<String, Object> ref = ResourceSetRenderer.map(inputsFrom.get(i), "spec.inputsFrom[" + i + "]");
            String name = ResourceSetRenderer.str(ref.get("name"));
            Object selector = ref.get("selector");
            if (!name.isEmpty() && selector != null) {
                throw new RenderException("spec.inputsFrom[" + i + "]: name and selector are mutually exclusive");
            }
            if (!name.isEmpty()) {
                if (byName.containsKey(name)) {
                    selected.put(name, byName.get(name));
                }
            } else if (selector != null) {
                Map<String, Object> sel = ResourceSetRenderer.map(selector, "spec.inputsFrom[" + i + "].selector");
                for (Map.Entry<String, Map<String, Object>> e : byName.entrySet()) {
                    Map<String, Object> md = ResourceSetRenderer.map(e.getValue().get("metadata"), "metadata");
                    Map<String, Object> labels = ResourceSetRenderer.map(md.get("labels"), "metadata.labels");
                    if (LabelSelector.matches(sel, labels)) {
                        selected.put(e.getKey(), e.getValue());
                    }
                }
            } else {
                throw new RenderException("input provider reference must have either name or selector set");
            }
        }
        List<Provider> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : selected.entrySet()) {
            Map<String, Object> spec = ResourceSetRenderer.map(e.getValue().get("spec"), "spec");
            Map<String, Object> vals = new TreeMap<>(ResourceSetRenderer.map(spec.get("defaultValues"),
                    "spec.defaultValues"));
            refuseNulls(vals, "ResourceSetInputProvider/" + e.getKey() + " spec.defaultValues");
            vals.put("id", Long.toString(Functions.adler32(e.getKey())));
            List<Map<String, Object>> sets = new ArrayList<>();
            sets.add(vals);
            out.add(new Provider(ResourceSetRenderer.RSIP_KIND, e.getKey(), rsNamespace, sets));
        }
        out.sort(Comparator.comparing(Provider::name, Inputs::compareBytes));
        return out;
    }

    private static int compareBytes(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
