package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.platform.Uncovered;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code fleetwarden-test.yaml} of {@code fleetwarden test}: which policies, manifests and options to judge with, as
 * {@code check} would be given them, and the decisions the objects must get. Read strictly: an unknown field, a
 * missing one, a wrong type or a path that does not exist is a problem naming the field, and every problem of a file is
 * reported at once ({@link #parse}). Paths are relative to the test file's directory.
 *
 * <pre>
 * apiVersion: cli.fleetwarden.io/v1alpha1
 * kind: Test
 * metadata: {name: staging-sources}          # default: the directory's name
 * policies: [../../staging, ../../tenancy]    # check --policy
 * resources: [sources.yaml]                   # check -f
 * clusterState: namespaces.yaml               # check --cluster-state
 * substituteFrom: [runtime-info.yaml]         # check --substitute-from
 * substitute: {ARTIFACT_TAG: latest}          # check --substitute
 * offline: true                               # check --offline; default true
 * as: system:serviceaccount:apps:flux         # check --as
 * namespace: default                          # check --namespace
 * uncovered: deny                             # check --uncovered
 * results:
 *   - kind: OCIRepository                     # selects objects: kind, namespace, name, createdBy
 *     namespace: frontend
 *     name: podinfo
 *     result: denied                          # allowed | warned | denied | notJudged | unavailable
 *     reason: NotCovered                      # optional: check's reason
 *     messageContains: no ArtifactPolicy covers  # optional
 * </pre>
 */
record TestSpec(Path file, String name, List<Path> policies, List<Path> resources, Path clusterState,
        List<Path> substituteFrom, Map<String, String> substitute, boolean offline, String as, String namespace,
        Uncovered uncovered, List<Expectation> results) {

    static final String FILE_NAME = "fleetwarden-test.yaml";
    static final String API_VERSION = "cli.fleetwarden.io/v1alpha1";
    static final String KIND = "Test";
    /** Test files are a few KiB. */
    static final int MAX_BYTES = 1 << 20;

    private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "metadata", "policies", "resources",
            "clusterState", "substituteFrom", "substitute", "offline", "as", "namespace", "uncovered", "results");
    private static final Set<String> METADATA_FIELDS = Set.of("name", "annotations", "labels");
    private static final Set<String> RESULT_FIELDS = Set.of("kind", "namespace", "name", "createdBy", "result",
            "reason", "messageContains");
    /** What a ResourceSet or FluxInstance is named by: Kind/namespace/name. */
    private static final Pattern CREATED_BY = Pattern.compile("[A-Z][A-Za-z0-9]*/[^/\\s]+/[^/\\s]+");

    /** The decision an object must get, in the vocabulary of check's verdicts. */
    enum Result {
        /** Admitted, with or without warnings (the webhook admits both). */
        ALLOWED("allowed"),
        /** Admitted with a warning. */
        WARNED("warned"),
        DENIED("denied"),
        /** Not judged offline: a namespace whose labels are not known, a variable left, inputs not known. */
        NOT_JUDGED("notJudged"),
        /** A registry, or the deadline, kept check from deciding. */
        UNAVAILABLE("unavailable");

        final String word;

        Result(String word) {
            this.word = word;
        }

        boolean matches(ManifestJudge.Verdict v) {
            return switch (this) {
                case ALLOWED -> v == ManifestJudge.Verdict.ALLOWED || v == ManifestJudge.Verdict.WARNED;
                case WARNED -> v == ManifestJudge.Verdict.WARNED;
                case DENIED -> v == ManifestJudge.Verdict.DENIED;
                case NOT_JUDGED -> v == ManifestJudge.Verdict.NOT_JUDGED;
                case UNAVAILABLE -> v == ManifestJudge.Verdict.UNAVAILABLE;
            };
        }

        static String words() {
            List<String> w = new ArrayList<>();
            for (Result r : values()) {
                w.add(r.word);
            }
            return String.join(", ", w);
        }
    }

    /**
     * One expected result: the objects it selects (every given field must match; {@code createdBy} is the
     * ResourceSet or FluxInstance that creates them, {@code Kind/namespace/name}) and what each must get.
     *
     * @param index its place in {@code results}
     */
    record Expectation(int index, String kind, String namespace, String name, String createdBy, Result result,
            String reason, String messageContains) {

        /** The objects it selects, as a person reads them. */
        String selects() {
            String by = createdBy == null ? "" : createdBy + " \u2192 ";
            if (name != null) {
                return by + kind + " " + (namespace == null ? "" : namespace + "/") + name;
            }
            return "every " + (kind == null ? "object" : kind) + (namespace == null ? "" : " in namespace " + namespace)
                    + (createdBy == null ? "" : " created by " + createdBy);
        }

        /** What they must get. */
        String expects() {
            return result.word + (reason == null ? "" : ", reason " + reason)
                    + (messageContains == null ? "" : ", message containing \"" + messageContains + "\"");
        }
    }

    /** The test, or (spec null) every problem of its file. */
    record Parsed(TestSpec spec, List<String> errors) {
    }

    /** Reads and checks a test file; every problem is listed, each naming its field. */
    static Parsed parse(Path file) {
        List<String> errors = new ArrayList<>();
        JsonNode doc;
        try {
            if (Files.size(file) > MAX_BYTES) {
                return new Parsed(null, List.of("larger than " + MAX_BYTES + " bytes"));
            }
            List<JsonNode> docs = KubeYaml.readAll(Files.readString(file), MAX_BYTES).stream()
                    .filter(n -> n != null && !n.isNull()).toList();
            if (docs.size() != 1) {
                return new Parsed(null, List.of(docs.isEmpty() ? "empty: expected a " + KIND + " (apiVersion "
                        + API_VERSION + ")" : "holds " + docs.size() + " YAML documents: expected one " + KIND));
            }
            doc = docs.get(0);
        } catch (KubeYaml.Unreadable e) {
            return new Parsed(null, List.of("not valid YAML: " + e.getMessage()));
        } catch (IOException e) {
            return new Parsed(null, List.of("cannot be read: " + OptionFile.reason(e)));
        }
        if (!doc.isObject()) {
            return new Parsed(null, List.of("expected a " + KIND + " object, got " + type(doc)));
        }
        Reader r = new Reader(file, errors);
        doc.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                errors.add(f + ": unknown field (a " + KIND + " has " + String.join(", ", sorted(FIELDS)) + ")");
            }
        });
        if (!API_VERSION.equals(doc.path("apiVersion").asText(null))) {
            errors.add("apiVersion: expected " + API_VERSION + ", got " + describe(doc.get("apiVersion")));
        }
        if (!KIND.equals(doc.path("kind").asText(null))) {
            errors.add("kind: expected " + KIND + ", got " + describe(doc.get("kind")));
        }
        String name = file.toAbsolutePath().normalize().getParent().getFileName().toString();
        JsonNode metadata = doc.get("metadata");
        if (metadata != null && !metadata.isNull()) {
            if (!metadata.isObject()) {
                errors.add("metadata: expected an object, got " + type(metadata));
            } else {
                metadata.fieldNames().forEachRemaining(f -> {
                    if (!METADATA_FIELDS.contains(f)) {
                        errors.add("metadata." + f + ": unknown field (metadata has name, labels, annotations)");
                    }
                });
                String n = r.string(metadata, "name", "metadata.name");
                name = n == null ? name : n;
            }
        }
        List<Path> policies = r.paths(doc, "policies", true);
        List<Path> resources = r.paths(doc, "resources", true);
        Path clusterState = r.path(doc, "clusterState");
        List<Path> substituteFrom = r.paths(doc, "substituteFrom", false);
        Map<String, String> substitute = r.strings(doc, "substitute");
        boolean offline = r.bool(doc, "offline", true);
        String as = r.string(doc, "as", "as");
        String namespace = r.string(doc, "namespace", "namespace");
        String uncoveredWord = r.string(doc, "uncovered", "uncovered");
        Uncovered uncovered = Uncovered.DENY;
        if (uncoveredWord != null) {
            try {
                uncovered = Uncovered.valueOf(uncoveredWord.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                errors.add("uncovered: expected deny, warn or allow, got \"" + uncoveredWord + "\"");
            }
        }
        List<Expectation> results = results(doc.get("results"), r, errors);
        if (!errors.isEmpty()) {
            return new Parsed(null, List.copyOf(errors));
        }
        return new Parsed(new TestSpec(file, name, policies, resources, clusterState, substituteFrom, substitute,
                offline, as, namespace == null ? "default" : namespace, uncovered, results), List.of());
    }

    private static List<Expectation> results(JsonNode node, Reader r, List<String> errors) {
        List<Expectation> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            errors.add("results: required: the decisions the objects must get (kind, namespace, name, result)");
            return out;
        }
        if (!node.isArray() || node.isEmpty()) {
            errors.add("results: expected a list of at least one expected result, got " + type(node));
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            String at = "results[" + i + "]";
            JsonNode e = node.get(i);
            if (!e.isObject()) {
                errors.add(at + ": expected an object (kind, namespace, name, result), got " + type(e));
                continue;
            }
            e.fieldNames().forEachRemaining(f -> {
                if (!RESULT_FIELDS.contains(f)) {
                    errors.add(at + "." + f + ": unknown field (an expected result has "
                            + String.join(", ", sorted(RESULT_FIELDS)) + ")");
                }
            });
            String kind = r.string(e, "kind", at + ".kind");
            String namespace = r.string(e, "namespace", at + ".namespace");
            String name = r.string(e, "name", at + ".name");
            String createdBy = r.string(e, "createdBy", at + ".createdBy");
            String reason = r.string(e, "reason", at + ".reason");
            String messageContains = r.string(e, "messageContains", at + ".messageContains");
            String word = r.string(e, "result", at + ".result");
            Result result = null;
            if (word == null) {
                if (!e.has("result")) {
                    errors.add(at + ".result: required: one of " + Result.words());
                }
            } else {
                for (Result candidate : Result.values()) {
                    if (candidate.word.equals(word)) {
                        result = candidate;
                    }
                }
                if (result == null) {
                    errors.add(at + ".result: expected one of " + Result.words() + ", got \"" + word + "\"");
                }
            }
            if (!e.has("kind") && !e.has("createdBy") && !e.has("name")) {
                errors.add(at + ": selects no object: give kind and name (and namespace), or createdBy");
            }
            if (name != null && kind == null && !e.has("kind")) {
                errors.add(at + ".kind: required with name (names are unique per kind)");
            }
            if ("Namespace".equals(kind) && namespace != null) {
                errors.add(at + ".namespace: a Namespace is in none; give its name only");
            }
            if (createdBy != null && !CREATED_BY.matcher(createdBy).matches()) {
                errors.add(at + ".createdBy: expected Kind/namespace/name (e.g. ResourceSet/flux-system/apps), got \""
                        + createdBy + "\"");
            }
            out.add(new Expectation(i, kind, namespace, name, createdBy, result, reason, messageContains));
        }
        return out;
    }

    /** Reads fields, adding a problem for each that is of the wrong type or names a path that does not exist. */
    private record Reader(Path file, List<String> errors) {

        String string(JsonNode parent, String field, String at) {
            JsonNode n = parent.get(field);
            if (n == null || n.isNull()) {
                return null;
            }
            if (!n.isTextual() || n.asText().isEmpty()) {
                errors.add(at + ": expected a non-empty string, got " + describe(n));
                return null;
            }
            return n.asText();
        }

        boolean bool(JsonNode parent, String field, boolean otherwise) {
            JsonNode n = parent.get(field);
            if (n == null || n.isNull()) {
                return otherwise;
            }
            if (!n.isBoolean()) {
                errors.add(field + ": expected true or false, got " + describe(n));
                return otherwise;
            }
            return n.asBoolean();
        }

        Map<String, String> strings(JsonNode parent, String field) {
            Map<String, String> out = new LinkedHashMap<>();
            JsonNode n = parent.get(field);
            if (n == null || n.isNull()) {
                return out;
            }
            if (!n.isObject()) {
                errors.add(field + ": expected a map of variable names to strings, got " + type(n));
                return out;
            }
            n.fields().forEachRemaining(e -> {
                if (e.getValue().isTextual()) {
                    out.put(e.getKey(), e.getValue().asText());
                } else {
                    errors.add(field + "." + e.getKey() + ": expected a string (quote it, as Flux's postBuild.substitute "
                            + "takes strings only), got " + describe(e.getValue()));
                }
            });
            return out;
        }

        Path path(JsonNode parent, String field) {
            String s = string(parent, field, field);
            return s == null ? null : existing(field, s);
        }

        List<Path> paths(JsonNode parent, String field, boolean required) {
            List<Path> out = new ArrayList<>();
            JsonNode n = parent.get(field);
            if (n == null || n.isNull()) {
                if (required) {
                    errors.add(field + ": required: a list of files or directories, relative to the test file");
                }
                return out;
            }
            if (!n.isArray() || required && n.isEmpty()) {
                errors.add(field + ": expected a list of " + (required ? "at least one " : "") + "file or directory, "
                        + "got " + type(n));
                return out;
            }
            for (int i = 0; i < n.size(); i++) {
                String at = field + "[" + i + "]";
                JsonNode p = n.get(i);
                if (!p.isTextual() || p.asText().isEmpty()) {
                    errors.add(at + ": expected a path, got " + describe(p));
                    continue;
                }
                Path resolved = existing(at, p.asText());
                if (resolved != null) {
                    out.add(resolved);
                }
            }
            return out;
        }

        /** The path relative to the test file's directory, or null (and a problem) when nothing is there. */
        private Path existing(String at, String relative) {
            if (relative.equals(ManifestReader.STDIN)) {
                errors.add(at + ": a test reads files, not standard input (-)");
                return null;
            }
            Path dir = file.getParent() == null ? Path.of("") : file.getParent();
            Path resolved = dir.resolve(relative).normalize();
            if (!Files.exists(resolved)) {
                errors.add(at + ": " + relative + (resolved.toString().equals(relative) ? "" : " (" + resolved + ")")
                        + ": no such file or directory");
                return null;
            }
            return resolved;
        }
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    private static String type(JsonNode n) {
        return switch (n.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> n.isEmpty() ? "an empty list" : "a list";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> n.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String describe(JsonNode n) {
        if (n == null || n.isNull()) {
            return "nothing";
        }
        return n.isValueNode() ? type(n) + " (" + n + ")" : type(n);
    }
}
