package io.fleetwarden.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads an {@code admission.k8s.io/v1} AdmissionReview from an HTTP body: bounded in size, strict JSON
 * (no duplicate keys, no trailing data), then checked field by field into an {@link AdmissionInput}. Every
 * rejection names what was expected, because the API server logs the body of a failed webhook call.
 */
public final class AdmissionReviewReader {

    public static final String API_VERSION = "admission.k8s.io/v1";
    public static final String KIND = "AdmissionReview";

    // Duplicate keys are refused: a reader that kept the other copy of "uid" or "object" than the API server
    // did would decide about something else than what gets stored.
    private static final ObjectMapper JSON = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(500).build()).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final int maxBytes;

    public AdmissionReviewReader(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    public AdmissionInput read(InputStream body) throws InvalidReviewException {
        return parse(readBounded(body));
    }

    byte[] readBounded(InputStream body) throws InvalidReviewException {
        // readNBytes grows with what arrives (AdmissionReviews are a few KiB), where a buffer sized for the limit
        // would allocate tens of KiB for every review; one byte over the limit is enough to refuse.
        byte[] bytes;
        try (body) {
            bytes = body.readNBytes(Math.min(maxBytes, Integer.MAX_VALUE - 1) + 1);
        } catch (IOException e) {
            throw new InvalidReviewException(400, "UnreadableBody", "could not read the request body: " + e.getMessage());
        }
        if (bytes.length > maxBytes) {
            throw new InvalidReviewException(413, "PayloadTooLarge", "AdmissionReview body is larger than "
                    + maxBytes + " bytes (fleetwarden.admission.max-body-bytes)");
        }
        return bytes;
    }

    public AdmissionInput parse(byte[] body) throws InvalidReviewException {
        if (body.length == 0) {
            throw new InvalidReviewException(400, "EmptyBody", "request body is empty; expected an AdmissionReview");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidReviewException(400, "MalformedJson", "request body is not valid JSON: "
                    + ReviewFields.clip(e.getOriginalMessage(), 300));
        } catch (IOException e) {
            throw new InvalidReviewException(400, "MalformedJson", "request body is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidReviewException(400, "WrongKind", "request body must be a JSON object: an " + API_VERSION
                    + " " + KIND);
        }
        String apiVersion = root.path("apiVersion").asText("");
        String kind = root.path("kind").asText("");
        if (!API_VERSION.equals(apiVersion) || !KIND.equals(kind)) {
            throw new InvalidReviewException(400, "WrongKind", "expected apiVersion " + API_VERSION + " and kind " + KIND
                    + ", got apiVersion '" + ReviewFields.clip(apiVersion, 64) + "' and kind '"
                    + ReviewFields.clip(kind, 64) + "'");
        }
        JsonNode request = root.get("request");
        if (request == null || !request.isObject()) {
            throw new InvalidReviewException(400, "MissingRequest", KIND + " has no request object");
        }
        return ReviewFields.toInput(request);
    }
}
