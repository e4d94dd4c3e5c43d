package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.render.RenderException;
import io.fleetwarden.render.Substitution;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * Flux's postBuild variables for {@code check} (a picocli mixin): what the parent Kustomization's
 * {@code spec.postBuild} would substitute in the checked files before they reach the cluster. As kustomize-controller
 * gathers them: each {@code --substitute-from} in order (a later one overwrites an earlier one), then
 * {@code --substitute}, which wins. A variable left in an object (none given, or an escaped {@code $${var}}) is found
 * by {@link #unresolved}, so that a source is never judged as if {@code ${ARTIFACT_TAG}} were its tag.
 */
final class PostBuildOptions {

    /** A Flux postBuild variable reference, as kustomize-controller would substitute it. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{#?([_a-zA-Z][_a-zA-Z0-9]*)[^}\\n]*}");

    @Option(names = "--substitute", paramLabel = "KEY=VALUE", description = "A postBuild substitution variable "
            + "(repeatable), as a Flux Kustomization's spec.postBuild.substitute; applied to the checked files.")
    List<String> substitute = List.of();

    @Option(names = "--substitute-from", paramLabel = "FILE", description = "ConfigMaps or Secrets whose data are "
            + "postBuild variables (repeatable), as spec.postBuild.substituteFrom, e.g. a cluster's "
            + "flux-system/runtime-info.yaml.")
    List<Path> substituteFrom = List.of();

    /** The variables; a wrong argument or file throws {@link IllegalArgumentException} saying which. */
    Map<String, String> variables() {
        return variables("--substitute-from", substituteFrom, parse(substitute));
    }

    /**
     * The variables of the ConfigMaps and Secrets in {@code from} (a later file overwrites an earlier one), then
     * {@code given}, which wins; a wrong file or name throws {@link IllegalArgumentException} saying which, with
     * {@code fromName} for where the files were named (the option, or a test file's field).
     */
    static Map<String, String> variables(String fromName, List<Path> from, Map<String, String> given) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (Path file : from) {
            ManifestReader.Read read = ManifestReader.read(List.of(file));
            if (!read.errors().isEmpty()) {
                throw new IllegalArgumentException(fromName + " " + String.join("; ", read.errors()));
            }
            if (read.manifests().isEmpty()) {
                throw new IllegalArgumentException(fromName + " " + file + ": no ConfigMap or Secret in it");
            }
            for (ManifestReader.Manifest m : read.manifests()) {
                vars.putAll(data(fromName, m));
            }
        }
        vars.putAll(given);
        try {
            Substitution.apply(List.of(), vars); // the names, as Flux requires them
        } catch (RenderException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        return vars;
    }

    /** {@code KEY=VALUE} arguments, in order. */
    static Map<String, String> parse(List<String> keyValues) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String kv : keyValues) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--substitute takes KEY=VALUE, not '" + kv + "'");
            }
            vars.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return vars;
    }

    /**
     * The manifest as Flux's postBuild substitutes its object; {@link RenderException} when it cannot be (a
     * Kustomization whose build fails). Unchanged without variables (Flux's default).
     */
    static ManifestReader.Manifest substitute(ManifestReader.Manifest m, Map<String, String> vars) {
        if (vars.isEmpty() || !(m.object() instanceof ObjectNode o)) {
            return m;
        }
        return new ManifestReader.Manifest(m.source(), Substitution.apply(List.of(o), vars).get(0), m.origin());
    }

    /** Field path → the postBuild variables left in it, for every string under {@code node}. */
    static Map<String, Set<String>> unresolved(JsonNode node, String path) {
        Map<String, Set<String>> out = new TreeMap<>();
        collect(node, path, out);
        return out;
    }

    private static void collect(JsonNode node, String path, Map<String, Set<String>> out) {
        if (node.isTextual()) {
            Matcher matcher = VARIABLE.matcher(node.asText());
            while (matcher.find()) {
                out.computeIfAbsent(path, k -> new TreeSet<>()).add(matcher.group(1));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), path + "[" + i + "]", out);
            }
        } else if (node.isObject()) {
            node.fields().forEachRemaining(e -> collect(e.getValue(), path + "." + e.getKey(), out));
        }
    }

    static String unresolvedMessage(Map<String, Set<String>> unresolved) {
        String first = unresolved.values().iterator().next().iterator().next();
        List<String> fields = unresolved.entrySet().stream().map(e -> e.getKey() + " holds " + String.join(", ",
                e.getValue().stream().map(v -> "${" + v + "}").toList())).toList();
        return String.join("; ", fields) + ": Flux postBuild variables that were not substituted, so the source is not "
                + "judged as if they were literal; give their values with --substitute " + first
                + "=VALUE (repeatable) or --substitute-from FILE (the ConfigMap the parent Kustomization substitutes "
                + "from, such as a cluster's flux-runtime-info)";
    }

    private static Map<String, String> data(String fromName, ManifestReader.Manifest m) {
        JsonNode o = m.object();
        String kind = o.path("kind").asText();
        Map<String, String> out = new LinkedHashMap<>();
        if (kind.equals("ConfigMap")) {
            o.path("data").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        } else if (kind.equals("Secret")) {
            // Values are never echoed, not even in errors.
            o.path("data").fields().forEachRemaining(e -> {
                try {
                    out.put(e.getKey(), new String(Base64.getDecoder().decode(e.getValue().asText()),
                            StandardCharsets.UTF_8));
                } catch (IllegalArgumentException bad) {
                    throw new IllegalArgumentException(fromName + " " + m.source() + ": data." + e.getKey()
                            + " of the Secret is not base64");
                }
            });
            o.path("stringData").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        } else {
            throw new IllegalArgumentException(fromName + " " + m.source() + ": a " + kind + ", not a ConfigMap "
                    + "or Secret");
        }
        return out;
    }
}
