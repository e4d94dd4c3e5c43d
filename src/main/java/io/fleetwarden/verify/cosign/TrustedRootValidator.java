package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Checks of a {@code trusted_root.json} that sigstore-java 2.0.0 does not make. Its protobuf parser turns a
 * missing {@code validFor.start} into the epoch, so a key without a start would be trusted for all of the
 * past (conformance case {@code trust-root-tlog-missing-validity-start_fail}). A trust root is a security
 * boundary: a missing bound makes the whole root unusable rather than silently unbounded.
 */
final class TrustedRootValidator {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrustedRootValidator() {
    }

    /** @throws TrustedRootException naming the first offending field path */
    static void validate(String name, byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new TrustedRootException("trusted root \"" + name + "\" is not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (java.io.IOException e) {
            throw new TrustedRootException("trusted root \"" + name + "\" cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new TrustedRootException("trusted root \"" + name + "\" must be a JSON object");
        }
        requireStarts(name, root, "tlogs", "publicKey.validFor");
        requireStarts(name, root, "ctlogs", "publicKey.validFor");
        requireStarts(name, root, "certificateAuthorities", "validFor");
        requireStarts(name, root, "timestampAuthorities", "validFor");
    }

    private static void requireStarts(String name, JsonNode root, String section, String validForPath) {
        JsonNode entries = root.get(section);
        if (entries == null || entries.isNull()) {
            return;
        }
        if (!entries.isArray()) {
            throw new TrustedRootException("trusted root \"" + name + "\": " + section + " must be an array");
        }
        for (int i = 0; i < entries.size(); i++) {
            JsonNode node = entries.get(i);
            for (String part : validForPath.split("\\.")) {
                node = node == null ? null : node.get(part);
            }
            JsonNode start = node == null ? null : node.get("start");
            if (start == null || !start.isTextual() || start.asText().isBlank()) {
                throw new TrustedRootException("trusted root \"" + name + "\": " + section + "[" + i + "]."
                        + validForPath + ".start is missing");
            }
        }
    }
}
