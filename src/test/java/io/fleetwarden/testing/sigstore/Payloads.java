package io.fleetwarden.testing.sigstore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/** The signed payloads: cosign's simple-signing document and an in-toto Statement v1. */
final class Payloads {

    static final String COSIGN_TYPE = "cosign container image signature";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Payloads() {
    }

    /** Field order and compact form as Go's json.Marshal of cosign's SimpleContainerImage. */
    static byte[] simpleSigning(String dockerReference, String manifestDigest, String type) {
        ObjectNode payload = JSON.createObjectNode();
        ObjectNode critical = payload.putObject("critical");
        critical.putObject("identity").put("docker-reference", dockerReference);
        critical.putObject("image").put("docker-manifest-digest", manifestDigest);
        critical.put("type", type);
        payload.putNull("optional");
        return payload.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * With a null {@code subjectName} this is byte for byte what cosign v3 {@code sign} writes (protojson of an
     * in-toto Statement whose subject has only a digest and empty annotations), which sigstore-java 2.0.0
     * cannot parse ("Cannot build Subject, some of required attributes are not set [name]").
     */
    static byte[] inTotoStatement(String subjectName, String sha256Hex, String predicateType) {
        ObjectNode statement = JSON.createObjectNode();
        statement.put("_type", "https://in-toto.io/Statement/v1");
        ObjectNode subject = statement.putArray("subject").addObject();
        if (subjectName != null) {
            subject.put("name", subjectName);
        }
        subject.putObject("digest").put("sha256", sha256Hex);
        if (subjectName == null) {
            subject.putObject("annotations");
        }
        statement.put("predicateType", predicateType);
        statement.putObject("predicate");
        return statement.toString().getBytes(StandardCharsets.UTF_8);
    }
}
