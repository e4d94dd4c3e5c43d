package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.oci.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The parts of an in-toto statement (a DSSE payload) we read: predicate type and subject digests. */
record InTotoStatement(String predicateType, JsonNode subjects) {

    static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @throws IllegalArgumentException when the payload is not a JSON object */
    static InTotoStatement parse(byte[] payload) {
        try {
            JsonNode node = JSON.readTree(payload);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("the DSSE payload is not a JSON object");
            }
            JsonNode type = node.get("predicateType");
            return new InTotoStatement(type != null && type.isTextual() ? type.asText() : null, node.path("subject"));
        } catch (IOException e) {
            throw new IllegalArgumentException("the DSSE payload is not an in-toto statement: " + e.getMessage(), e);
        }
    }

    /** Whether some subject carries exactly this digest (same algorithm, same hex). */
    boolean hasSubject(Digest digest) {
        for (JsonNode subject : subjects) {
            JsonNode value = subject.path("digest").path(digest.algorithm());
            if (value.isTextual() && MessageDigest.isEqual(value.asText().getBytes(StandardCharsets.US_ASCII),
                    digest.hex().getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    /** DSSE pre-authentication encoding, with lengths in bytes as the DSSE spec requires. */
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
