package io.fleetwarden.oci;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fleetwarden.oci.RegistryException.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses OCI image manifests and indexes and Docker v2 manifests and manifest lists into {@link Manifest},
 * keeping the exact bytes. Duplicate keys are refused: two parsers reading different values from one signed
 * document is how signature bypasses happen. Parse errors become {@link Kind#INVALID_RESPONSE} without
 * quoting the document.
 */
final class ManifestJson {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** Every manifest type we read, for {@code Accept}. Schema 1 is not among them: it has no content digests. */
    static final String ACCEPT = String.join(", ", OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST);

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private ManifestJson() {
    }

    /**
     * @param contentType the answer's {@code Content-Type}, used only when the document has no {@code mediaType}
     */
    static Manifest parse(Digest digest, byte[] raw, String contentType, int maxIndexEntries, String what)
            throws RegistryException {
        JsonNode json;
        try {
            json = MAPPER.readTree(raw);
        } catch (IOException e) {
            throw invalid(what, "not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw invalid(what, "not a JSON object");
        }
        JsonNode schemaVersion = json.get("schemaVersion");
        if (schemaVersion == null || !schemaVersion.isInt() || schemaVersion.asInt() != 2) {
            throw invalid(what, "schemaVersion is not 2");
        }
        String mediaType = text(json, "mediaType", what);
        if (mediaType == null) {
            mediaType = contentType == null ? null : contentType.split(";", 2)[0].trim();
        }
        JsonNode manifests = json.get("manifests");
        boolean index = manifests != null || OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
        if (mediaType == null || mediaType.isEmpty()) {
            mediaType = index ? OCI_INDEX : OCI_MANIFEST;
        }
        List<Descriptor> entries = List.of();
        Descriptor config = null;
        List<Descriptor> layers = List.of();
        if (index) {
            if (manifests != null && manifests.size() > maxIndexEntries) {
                throw new RegistryException(Kind.TOO_LARGE, what + ": index has " + manifests.size()
                        + " entries, at most " + maxIndexEntries + " are read");
            }
            entries = descriptors(manifests, "manifests", what);
        } else {
            config = descriptor(json.get("config"), "config", what);
            if (config == null) {
                throw invalid(what, "image manifest has no config");
            }
            layers = descriptors(json.get("layers"), "layers", what);
        }
        return new Manifest(digest, mediaType, raw, config, layers, entries, descriptor(json.get("subject"), "subject", what),
                text(json, "artifactType", what), annotations(json.get("annotations"), "annotations", what));
    }

    /** Entries of an index answer ({@code manifests}), for the referrers API. */
    static List<Descriptor> descriptors(JsonNode array, String field, String what) throws RegistryException {
        if (array == null || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw invalid(what, field + " is not an array");
        }
        List<Descriptor> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(descriptor(array.get(i), field + "[" + i + "]", what));
        }
        return out;
    }

    static Descriptor descriptor(JsonNode node, String field, String what) throws RegistryException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw invalid(what, field + " is not an object");
        }
        String mediaType = text(node, "mediaType", what);
        String digest = text(node, "digest", what);
        JsonNode size = node.get("size");
        if (mediaType == null || digest == null || size == null || !size.canConvertToExactIntegral()
                || !size.canConvertToLong() || size.asLong() < 0) {
            throw invalid(what, field + " needs mediaType, digest and a non-negative size");
        }
        Digest parsed;
        try {
            parsed = Digest.parse(digest);
        } catch (IllegalArgumentException e) {
            throw invalid(what, field + ": " + e.getMessage());
        }
        return new Descriptor(mediaType, parsed, size.asLong(), text(node, "artifactType", what),
                annotations(node.get("annotations"), field + ".annotations", what));
    }

    private static Map<String, String> annotations(JsonNode node, String field, String what) throws RegistryException {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw invalid(what, field + " is not an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw invalid(what, field + "." + e.getKey() + " is not a string");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static String text(JsonNode node, String field, String what) throws RegistryException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid(what, field + " is not a string");
        }
        return value.asText();
    }

    private static RegistryException invalid(String what, String reason) {
        return new RegistryException(Kind.INVALID_RESPONSE, what + ": " + reason);
    }
}
