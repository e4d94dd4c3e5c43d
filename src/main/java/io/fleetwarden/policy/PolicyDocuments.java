package io.fleetwarden.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetwarden.api.v1alpha1.ArtifactPolicy;
import io.fleetwarden.api.v1alpha1.TenancyPolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads {@code ArtifactPolicy} and {@code TenancyPolicy} documents out of YAML text (one file of a {@code policies/} directory, a
 * multi-document stream). Pure: the caller reads the file. Unknown fields are errors, not ignored: a
 * misspelt {@code subjectRegexp} silently dropped would widen a policy. Documents of other kinds are
 * skipped, so a policy directory may hold a {@code kustomization.yaml}.
 */
public final class PolicyDocuments {

    /** Bounds on untrusted YAML: size, aliases (billion laughs), nesting. */
    public static final int MAX_BYTES = 1 << 20;

    private static final ObjectMapper YAML = mapper();

    private PolicyDocuments() {
    }

    public sealed interface Parsed {
    }

    public record Document(String source, ArtifactPolicy policy) implements Parsed {
    }

    public record TenancyDocument(String source, TenancyPolicy policy) implements Parsed {
    }

    /** A document that could not be read; {@code source} says which file and document. */
    public record Unreadable(String source, String message) implements Parsed {
    }

    public static List<Parsed> parse(String source, String yaml) {
        if (yaml.length() > MAX_BYTES) {
            return List.of(new Unreadable(source, "larger than " + MAX_BYTES + " bytes"));
        }
        List<Parsed> out = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            int index = 0;
            while (docs.hasNextValue()) {
                JsonNode node = docs.nextValue();
                String where = source + " (document " + index++ + ")";
                if (node == null || node.isNull() || node.isMissingNode()) {
                    continue;
                }
                if (!node.isObject()) {
                    out.add(new Unreadable(where, "expected a Kubernetes object, got " + node.getNodeType()));
                    continue;
                }
                if (!node.path("apiVersion").asText().startsWith("fleetwarden.io/")) {
                    continue;
                }
                out.add(toPolicy(where, node));
            }
        } catch (IOException | RuntimeException e) {
            out.add(new Unreadable(source, "not valid YAML: " + firstLine(e.getMessage())));
        }
        return out;
    }

    private static Parsed toPolicy(String where, JsonNode node) {
        String kind = node.path("kind").asText();
        if (!"fleetwarden.io/v1alpha1".equals(node.path("apiVersion").asText())
                || !("ArtifactPolicy".equals(kind) || "TenancyPolicy".equals(kind))) {
            return new Unreadable(where, "unsupported apiVersion/kind " + node.path("apiVersion").asText() + "/"
                    + kind + ": expected fleetwarden.io/v1alpha1 ArtifactPolicy or TenancyPolicy");
        }
        if (node.path("metadata").path("name").asText().isEmpty()) {
            return new Unreadable(where, "metadata.name is required");
        }
        try {
            return "TenancyPolicy".equals(kind) ? new TenancyDocument(where, YAML.treeToValue(node, TenancyPolicy.class))
                    : new Document(where, YAML.treeToValue(node, ArtifactPolicy.class));
        } catch (UnrecognizedPropertyException e) {
            return new Unreadable(where, "unknown field " + fieldPath(e) + " (known: " + e.getKnownPropertyIds() + ")");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return new Unreadable(where, firstLine(e.getOriginalMessage()));
        }
    }

    private static String fieldPath(UnrecognizedPropertyException e) {
        StringBuilder sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
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
