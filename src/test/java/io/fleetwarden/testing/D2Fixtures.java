package io.fleetwarden.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The D2 reference manifests (AGPL-3.0), read in place from {@code ../shared/fixtures/d2}: never copied into
 * this repository. Missing fixtures fail the test rather than skip it.
 *
 * <p>{@link #renderResourceSet} is a deliberately tiny stand-in for the two D2 templating stages, enough for the
 * fleet's tenant ResourceSets: postBuild {@code ${VAR}} substitution from runtime-info, then
 * {@code << inputs.key >>} replaced per inline input. It is not a ResourceSet engine.
 */
public final class D2Fixtures {

    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VAR = Pattern.compile("\\$\\{([_A-Za-z][_A-Za-z0-9]*)}");
    private static final Pattern INPUT = Pattern.compile("<<\\s*inputs\\.([A-Za-z0-9_]+)\\s*>>");

    private D2Fixtures() {
    }

    public static Path path(String relative) {
        Path p = Path.of("..", "shared", "fixtures", "d2").resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("D2 fixture missing: " + p.toAbsolutePath());
        }
        return p;
    }

    public static List<JsonNode> documents(String relative) {
        try {
            List<JsonNode> out = new ArrayList<>();
            var it = YAML.readerFor(JsonNode.class).readValues(Files.readString(path(relative)));
            while (it.hasNext()) {
                JsonNode n = (JsonNode) it.next();
                if (n != null && n.isObject()) {
                    out.add(n);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code data} of a cluster's {@code flux-system/runtime-info.yaml} ConfigMap, e.g. cluster "staging". */
    @SuppressWarnings("unchecked")
    public static Map<String, String> runtimeInfo(String cluster) {
        JsonNode cm = documents("d2-fleet/clusters/" + cluster + "/flux-system/runtime-info.yaml").get(0);
        return JSON.convertValue(cm.path("data"), Map.class);
    }

    /** Renders {@code spec.resources} of a fleet ResourceSet file once per inline input set. */
    public static List<JsonNode> renderResourceSet(String relative, Map<String, String> runtimeInfo) {
        try {
            String text = substitute(VAR, Files.readString(path(relative)), runtimeInfo, false);
            JsonNode rset = YAML.readTree(text);
            List<JsonNode> out = new ArrayList<>();
            for (JsonNode resource : rset.path("spec").path("resources")) {
                for (JsonNode input : rset.path("spec").path("inputs")) {
                    Map<String, String> values = JSON.convertValue(input, Map.class);
                    out.add(JSON.readTree(substitute(INPUT, JSON.writeValueAsString(resource), values, true)));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String substitute(Pattern p, String text, Map<String, String> values, boolean strict) {
        Matcher m = p.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null && strict) {
                throw new IllegalArgumentException("no input " + m.group(1)); // missingkey=error, like flux-operator
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? "" : v));
        }
        return m.appendTail(sb).toString();
    }

    /** The object's {@code metadata.name} and kind, for test names. */
    public static String describe(JsonNode o) {
        return o.path("kind").asText() + " " + o.path("metadata").path("namespace").asText("") + "/"
                + o.path("metadata").path("name").asText();
    }

    public static ObjectNode object(String yaml) {
        try {
            return (ObjectNode) YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
