package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.oci.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The parts of an in-toto statement (a DSSE payload) we read: statement type, predicate type and subject
 * digests. Parsed here rather than by sigstore-java because 2.0.0 requires a subject {@code name}, which the
 * in-toto spec allows to be absent and cosign v3 {@code sign} omits; a subject is matched by digest only.
 */
record InTotoStatement(String predicateType, JsonNode subjects) {

    static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
    /** The statement layers in use (v1, and v0.1 still written by older attesters). */
    static final Set<String> STATEMENT_TYPES = Set.of("https://in-toto.io/Statement/v1",
            "https://in-toto.io/Statement/v0.1");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @throws IllegalArgumentException when the payload is not an in-toto statement */
    static InTotoStatement parse(byte[] payload) {
        JsonNode node;
        try {
            node = JSON.readTree(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("the DSSE payload is not an in-toto statement: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the DSSE payload is not a JSON object");
        }
        String type = node.path("_type").asText("");
        if (!STATEMENT_TYPES.contains(type)) {
            throw new IllegalArgumentException("the DSSE payload is not an in-toto statement (_type is \"" + type
                    + "\", expected one of " + STATEMENT_TYPES + ")");
        }
        JsonNode predicateType = node.path("predicateType");
        if (!predicateType.isTextual() || predicateType.asText().isEmpty()) {
            throw new IllegalArgumentException("the in-toto statement has no predicateType");
        }
        if (!node.path("subject").isArray()) {
            throw new IllegalArgumentException("the in-toto statement has no subject list");
        }
        return new InTotoStatement(predicateType.asText(), node.path("subject"));
    }

    /** Whether some subject carries this digest (same algorithm, same hex); {@code name} is not needed. */
    boolean hasSubject(Digest digest) {
        for (JsonNode subject : subjects) {
            JsonNode value = subject.path("digest").path(digest.algorithm());
            // Digests are public, so no constant-time compare; hex case is not significant (as in sigstore-java).
            if (value.isTextual() && value.asText().equalsIgnoreCase(digest.hex())) {
                return true;
            }
        }
        return false;
    }

    /**
     * DSSE pre-authentication encoding, with lengths in bytes as the DSSE spec requires (sigstore-java 2.0.0
     * counts UTF-16 characters, so it cannot verify a non-ASCII statement; this one can).
     */
    static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + payload.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(payload, 0, out, head.length, payload.length);
        return out;
    }
}
