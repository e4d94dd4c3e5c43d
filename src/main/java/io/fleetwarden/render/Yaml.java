package io.fleetwarden.render;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;

/** YAML streams in and out; the JSON tree is the model everything in this package works on. */
public final class Yaml {

    /** Deep enough for any Kubernetes object, shallow enough to stop a stack-exhausting document. */
    static final int MAX_NESTING = 100;

    private static final ObjectMapper WRITER = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE).stringQuotingChecker(new PlainScalars()).build());

    private Yaml() {
    }

    /** Every non-empty document of a stream, read as kustomize reads it ({@link GoYaml}); the file name is for the error. */
    public static List<JsonNode> documents(String file, byte[] bytes) {
        List<JsonNode> out = new ArrayList<>();
        try {
            for (JsonNode doc : GoYaml.documents(new String(bytes, StandardCharsets.UTF_8), loaderOptions())) {
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    out.add(doc);
                }
            }
        } catch (RuntimeException e) {
            throw new RenderException(file, null, "not valid YAML: " + firstLine(e.getMessage()));
        }
        return out;
    }

    /** One document that must be a mapping (a kustomization, a patch). */
    public static ObjectNode object(String file, byte[] bytes) {
        List<JsonNode> docs = documents(file, bytes);
        if (docs.size() != 1 || !docs.get(0).isObject()) {
            throw new RenderException(file, null, "expected exactly one YAML mapping, found "
                    + (docs.size() == 1 ? docs.get(0).getNodeType().toString().toLowerCase() : docs.size() + " documents"));
        }
        return (ObjectNode) docs.get(0);
    }

    /** A YAML stream ({@code ---} between documents), as {@code kustomize build} prints one. */
    public static String stream(List<? extends JsonNode> objects) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode o : objects) {
            if (sb.length() > 0) {
                sb.append("---\n");
            }
            sb.append(write(o));
        }
        return sb.toString();
    }

    public static String write(JsonNode node) {
        try {
            StringWriter w = new StringWriter();
            WRITER.writeValue(w, node);
            return w.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions loader = new LoaderOptions();
        loader.setCodePointLimit(64 * 1024 * 1024);
        loader.setMaxAliasesForCollections(50);
        loader.setNestingDepthLimit(MAX_NESTING);
        loader.setAllowDuplicateKeys(false);
        return loader;
    }
}
