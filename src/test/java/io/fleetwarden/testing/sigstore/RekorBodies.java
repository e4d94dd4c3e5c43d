package io.fleetwarden.testing.sigstore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * Rekor v1 entry bodies as Rekor stores them: RFC 8785 canonical JSON. sigstore-java rebuilds the hashedrekord
 * body from the bundle and compares it byte for byte, so key order and PEM layout matter.
 */
final class RekorBodies {

    static final String DSSE_PAYLOAD_TYPE = "application/vnd.in-toto+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RekorBodies() {
    }

    /** hashedrekord 0.0.1; {@code verifierPem} is the leaf certificate PEM or, for key signing, the public key PEM. */
    static byte[] hashedRekord(byte[] sha256, byte[] signature, String verifierPem) {
        ObjectNode spec = JSON.createObjectNode();
        spec.putObject("data").putObject("hash").put("algorithm", "sha256").put("value", Crypto.hex(sha256));
        ObjectNode sig = spec.putObject("signature").put("content", Crypto.b64(signature));
        sig.putObject("publicKey").put("content", Crypto.b64(verifierPem));
        return entry("hashedrekord", spec);
    }

    /**
     * dsse 0.0.1: hashes of the payload and of the canonical envelope, and the signature with its verifier.
     * The envelope hash covers {@code {"payload","payloadType","signatures":[{"sig"}]}} in canonical form
     * (reproduces the envelopeHash of the sigstore-conformance DSSE bundles).
     */
    static byte[] dsse(byte[] payload, String payloadType, byte[] signature, String verifierPem) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("payload", Crypto.b64(payload));
        envelope.put("payloadType", payloadType);
        envelope.putArray("signatures").addObject().put("sig", Crypto.b64(signature));
        byte[] envelopeHash = Crypto.sha256(Crypto.canonicalJson(envelope.toString()));

        ObjectNode spec = JSON.createObjectNode();
        spec.putObject("envelopeHash").put("algorithm", "sha256").put("value", Crypto.hex(envelopeHash));
        spec.putObject("payloadHash").put("algorithm", "sha256").put("value", Crypto.hex(Crypto.sha256(payload)));
        spec.putArray("signatures").addObject().put("signature", Crypto.b64(signature))
                .put("verifier", Crypto.b64(verifierPem));
        return entry("dsse", spec);
    }

    /**
     * Rekor v2 dsse 0.0.2 (rekor-tiles {@code DSSELogEntryV002} as protobuf JSON, canonicalized): the payload hash
     * and the signature with its verifier, the DER certificate (or public key) and its key details.
     */
    static byte[] dsseV2(byte[] payload, byte[] signature, Signer signer) {
        ObjectNode spec = JSON.createObjectNode();
        spec.putObject("payloadHash").put("algorithm", "SHA2_256").put("digest", Crypto.b64(Crypto.sha256(payload)));
        ObjectNode verifier = spec.putArray("signatures").addObject().put("content", Crypto.b64(signature))
                .putObject("verifier");
        verifier.put("keyDetails", "PKIX_ECDSA_P256_SHA_256");
        try {
            if (signer.keyless()) {
                verifier.putObject("x509Certificate").put("rawBytes", Crypto.b64(signer.leaf().getEncoded()));
            } else {
                verifier.putObject("publicKey").put("rawBytes", Crypto.b64(signer.key().getPublic().getEncoded()));
            }
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("apiVersion", "0.0.2");
        body.put("kind", "dsse");
        body.putObject("spec").set("dsseV002", spec);
        return Crypto.canonicalJson(body.toString());
    }

    /** DSSE v1 pre-authentication encoding; lengths are byte lengths. */
    static byte[] pae(String payloadType, byte[] payload) {
        byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + payload.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(payload, 0, out, head.length, payload.length);
        return out;
    }

    private static byte[] entry(String kind, ObjectNode spec) {
        ObjectNode body = JSON.createObjectNode();
        body.put("apiVersion", "0.0.1");
        body.put("kind", kind);
        body.set("spec", spec);
        return Crypto.canonicalJson(body.toString());
    }
}
