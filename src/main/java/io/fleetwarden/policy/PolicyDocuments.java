package io.fleetwarden.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetwarden.api.v1alpha1.ArtifactPolicy;
import io.fleetwarden.api.v1alpha1.TenancyPolicy;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads {@code ArtifactPolicy} and {@code TenancyPolicy} documents out of YAML text (one file of a {@code policies/} directory, a
 * multi-document stream). Pure: the caller reads the file. Unknown fields are errors, not ignored: a
 * misspelt {@code subjectRegexp} silently dropped would widen a policy. Every unknown field and every field of the
 * wrong type is reported at once (with a "did you mean" when a known field is close), together with what the compiler
 * finds; for a file, with the line of each. Documents of other kinds are skipped, so a policy directory may hold a
 * {@code kustomization.yaml}.
 */
public final class PolicyDocuments {

    /** Bounds on untrusted YAML: size, aliases (billion laughs), nesting. */
    public static final int MAX_BYTES = 1 << 20;
    /** Field problems listed per document at most (a hostile document could hold thousands). */
    static final int MAX_READ_VIOLATIONS = 50;

    private static final ObjectMapper YAML = mapper();
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private PolicyDocuments() {
    }

    public sealed interface Parsed {
    }

    /**
     * @param readViolations fields the document has that the policy does not know, or of the wrong type: the document
     *                       does not compile while there is one (an ignored field could widen the policy)
     * @param positions      where its fields are in its file; {@link FieldPositions#NONE} for a cluster object
     */
    public record Document(String source, ArtifactPolicy policy, List<FieldViolation> readViolations,
            FieldPositions positions) implements Parsed {
        public Document {
            readViolations = List.copyOf(readViolations);
        }

        /** A policy from the cluster, as the informer has it. */
        public Document(String source, ArtifactPolicy policy) {
            this(source, policy, List.of(), FieldPositions.NONE);
        }
    }

    /** As {@link Document}. */
    public record TenancyDocument(String source, TenancyPolicy policy, List<FieldViolation> readViolations,
            FieldPositions positions) implements Parsed {
        public TenancyDocument {
            readViolations = List.copyOf(readViolations);
        }

        public TenancyDocument(String source, TenancyPolicy policy) {
            this(source, policy, List.of(), FieldPositions.NONE);
        }
    }

    /** A document that could not be read; {@code source} says which file and document. */
    public record Unreadable(String source, String message) implements Parsed {
    }

    /** Documents without a file (an object sent to the webhook): their violations have no lines. */
    public static List<Parsed> parse(String source, String yaml) {
        return parse(source, yaml, List.of());
    }

    /** The documents of a file: their violations say where they are in it. */
    public static List<Parsed> parseFile(String file, String yaml) {
        return parse(file, yaml, yaml.length() > MAX_BYTES ? List.of() : FieldPositions.of(file, yaml));
    }

    /**
     * The documents of a file as another reader read them (the CLI reads files as the API server does), with the
     * file's text for the lines.
     */
    public static List<Parsed> parseFile(String file, List<JsonNode> documents, String text) {
        List<FieldPositions> positions = FieldPositions.of(file, text);
        List<Parsed> out = new ArrayList<>();
        for (int i = 0; i < documents.size(); i++) {
            read(file + " (document " + i + ")", documents.get(i), positions(positions, documents.size(), i), out);
        }
        return out;
    }

    private static List<Parsed> parse(String source, String yaml, List<FieldPositions> positions) {
        if (yaml.length() > MAX_BYTES) {
            return List.of(new Unreadable(source, "larger than " + MAX_BYTES + " bytes"));
        }
        List<JsonNode> nodes = new ArrayList<>();
        List<Parsed> out = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (docs.hasNextValue()) {
                nodes.add(docs.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            // What was read before the broken document is still judged, as before.
            for (int i = 0; i < nodes.size(); i++) {
                read(source + " (document " + i + ")", nodes.get(i), FieldPositions.NONE, out);
            }
            out.add(new Unreadable(source, "not valid YAML: " + firstLine(e.getMessage())));
            return out;
        }
        for (int i = 0; i < nodes.size(); i++) {
            read(source + " (document " + i + ")", nodes.get(i), positions(positions, nodes.size(), i), out);
        }
        return out;
    }

    /** Positions only when both readers counted the same documents: a line in the wrong document would mislead. */
    private static FieldPositions positions(List<FieldPositions> positions, int documents, int i) {
        return positions.size() == documents ? positions.get(i) : FieldPositions.NONE;
    }

    private static void read(String where, JsonNode node, FieldPositions positions, List<Parsed> out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return;
        }
        if (!node.isObject()) {
            out.add(new Unreadable(where, "expected a Kubernetes object, got " + node.getNodeType()));
            return;
        }
        if (!node.path("apiVersion").asText().startsWith("fleetwarden.io/")) {
            return;
        }
        out.add(toPolicy(where, node, positions));
    }

    private static Parsed toPolicy(String where, JsonNode node, FieldPositions positions) {
        String kind = node.path("kind").asText();
        if (!"fleetwarden.io/v1alpha1".equals(node.path("apiVersion").asText())
                || !("ArtifactPolicy".equals(kind) || "TenancyPolicy".equals(kind))) {
            return new Unreadable(where, "unsupported apiVersion/kind " + node.path("apiVersion").asText() + "/"
                    + kind + ": expected fleetwarden.io/v1alpha1 ArtifactPolicy or TenancyPolicy");
        }
        if (node.path("metadata").path("name").asText().isEmpty()) {
            return new Unreadable(where, "metadata.name is required");
        }
        boolean tenancy = "TenancyPolicy".equals(kind);
        FieldProblems problems = new FieldProblems();
        try {
            Object value = YAML.readerFor(tenancy ? TenancyPolicy.class : ArtifactPolicy.class).withHandler(problems)
                    .readValue(node);
            return tenancy ? new TenancyDocument(where, (TenancyPolicy) value, problems.list(), positions)
                    : new Document(where, (ArtifactPolicy) value, problems.list(), positions);
        } catch (JsonMappingException e) {
            // A problem the handler does not take (it takes unknown fields and values of the wrong type).
            return new Unreadable(where, path(e) + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException | RuntimeException e) {
            return new Unreadable(where, firstLine(e.getMessage()));
        }
    }

    /**
     * Collects every unknown field and every value of the wrong type, instead of stopping at the first: the field is
     * skipped (a value of the wrong type read as absent) and reading goes on.
     */
    private static final class FieldProblems extends DeserializationProblemHandler {
        private final List<FieldViolation> found = new ArrayList<>();

        List<FieldViolation> list() {
            if (found.size() <= MAX_READ_VIOLATIONS) {
                return found;
            }
            List<FieldViolation> out = new ArrayList<>(found.subList(0, MAX_READ_VIOLATIONS));
            FieldViolation next = found.get(MAX_READ_VIOLATIONS);
            out.add(new FieldViolation(next.path(), next.message() + " (and " + (found.size() - MAX_READ_VIOLATIONS - 1)
                    + " more problems with fields, not listed)"));
            return out;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                Object beanOrClass, String name) throws IOException {
            List<String> known = deserializer == null ? List.of() : deserializer.getKnownPropertyNames().stream()
                    .map(String::valueOf).sorted().toList();
            // The parser is at the field's value: the context it is in names the field.
            found.add(new FieldViolation(path(container(p)), "unknown field"
                    + Spelling.didYouMean(name, known).map(s -> ", " + s)
                            .orElse(known.isEmpty() ? "" : " (known fields: " + String.join(", ", known) + ")")));
            p.skipChildren();
            return true;
        }

        @Override
        public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
                String failureMsg) throws IOException {
            return wrongType(p, targetType.getRawClass());
        }

        @Override
        public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass,
                ValueInstantiator valueInsta, JsonParser p, String msg) throws IOException {
            return wrongType(p, instClass);
        }

        @Override
        public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String valueToConvert,
                String failureMsg) throws IOException {
            return wrongType(ctxt.getParser(), targetType);
        }

        @Override
        public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number valueToConvert,
                String failureMsg) throws IOException {
            return wrongType(ctxt.getParser(), targetType);
        }

        private Object wrongType(JsonParser p, Class<?> expected) throws IOException {
            if (expected.isPrimitive()) {
                return NOT_HANDLED;
            }
            found.add(new FieldViolation(path(container(p)), "must be " + expected(expected) + ", got " + got(p)));
            p.skipChildren();
            return null;
        }
    }

    /** The context whose current name or index is the value the parser is at (a container value opens its own). */
    private static JsonStreamContext container(JsonParser p) {
        JsonStreamContext c = p.getParsingContext();
        return p.currentToken() == JsonToken.START_OBJECT || p.currentToken() == JsonToken.START_ARRAY ? c.getParent() : c;
    }

    /** {@code spec.authorities[0].keyless}, as the compiler writes paths. */
    private static String path(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + Math.max(c.getCurrentIndex(), 0) + "]");
            } else if (c.inObject() && c.getCurrentName() != null) {
                parts.push(c.getCurrentName());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            sb.append(part.startsWith("[") ? part : segment(part, sb.length() == 0));
        }
        return sb.toString();
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append(segment(ref.getFieldName(), sb.length() == 0));
            } else {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** A field name as a path segment; a name that is not plain (it comes from the document) is quoted. */
    private static String segment(String name, boolean first) {
        if (PLAIN_NAME.matcher(name).matches()) {
            return first ? name : "." + name;
        }
        return "[" + Quoted.of(name) + "]";
    }

    private static String expected(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "a map";
        }
        return "an object";
    }

    private static String got(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "a list";
            case VALUE_STRING -> "a string " + Quoted.of(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number " + Quoted.of(p.getText());
            case VALUE_TRUE, VALUE_FALSE -> "a boolean " + Quoted.of(p.getText());
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : Quoted.of(t.asString());
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static ObjectMapper mapper() {
        LoaderOptions loader = new LoaderOptions();
        loader.setCodePointLimit(MAX_BYTES);
        loader.setMaxAliasesForCollections(20);
        loader.setNestingDepthLimit(50);
        loader.setAllowDuplicateKeys(false);
        YAMLFactory factory = YAMLFactory.builder().loaderOptions(loader)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(50).build()).build();
        return new ObjectMapper(factory).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }
}
