package io.fleetwarden.testing.sigstore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Writes Sigstore bundles v0.3 in protobuf-JSON form (int64 as strings, bytes as base64), the shape cosign v3
 * attaches as an OCI referrer. Keyless bundles carry only the leaf (v0.3 forbids the chain); key bundles carry
 * {@code publicKey.hint}.
 */
final class BundleWriter {

    static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BundleWriter() {
    }

    static byte[] dsse(Signer signer, LogEntry entry, byte[] payload, String payloadType, byte[] signature) {
        return dsse(signer, entry, payload, payloadType, signature, null);
    }

    /**
     * @param timestamp a DER TimeStampResp for {@code timestampVerificationData}, or null; an entry without SET
     *                  (Rekor v2) is written as kind dsse 0.0.2 with no integrated time and no inclusion promise
     */
    static byte[] dsse(Signer signer, LogEntry entry, byte[] payload, String payloadType, byte[] signature,
            byte[] timestamp) {
        ObjectNode bundle = header(signer, entry, "dsse");
        if (timestamp != null) {
            ((ObjectNode) bundle.get("verificationMaterial")).putObject("timestampVerificationData")
                    .putArray("rfc3161Timestamps").addObject().put("signedTimestamp", Crypto.b64(timestamp));
        }
        ObjectNode envelope = bundle.putObject("dsseEnvelope");
        envelope.put("payload", Crypto.b64(payload));
        envelope.put("payloadType", payloadType);
        envelope.putArray("signatures").addObject().put("sig", Crypto.b64(signature));
        return write(bundle);
    }

    static byte[] messageSignature(Signer signer, LogEntry entry, byte[] sha256, byte[] signature) {
        ObjectNode bundle = header(signer, entry, "hashedrekord");
        ObjectNode message = bundle.putObject("messageSignature");
        message.putObject("messageDigest").put("algorithm", "SHA2_256").put("digest", Crypto.b64(sha256));
        message.put("signature", Crypto.b64(signature));
        return write(bundle);
    }

    private static ObjectNode header(Signer signer, LogEntry entry, String kind) {
        ObjectNode bundle = JSON.createObjectNode();
        bundle.put("mediaType", MEDIA_TYPE);
        ObjectNode material = bundle.putObject("verificationMaterial");
        if (signer.leaf() != null) {
            material.putObject("certificate").put("rawBytes", der(signer.leaf()));
        } else {
            // cosign's hint for key signing: base64 sha256 of the DER public key.
            material.putObject("publicKey").put("hint", Crypto.b64(Crypto.keyId(signer.key().getPublic())));
        }
        tlogEntry(material.putArray("tlogEntries"), entry, kind);
        return bundle;
    }

    private static void tlogEntry(ArrayNode entries, LogEntry e, String kind) {
        ObjectNode t = entries.addObject();
        t.put("logIndex", Long.toString(e.logIndex()));
        t.putObject("logId").put("keyId", Crypto.b64(HexFormat.of().parseHex(e.logIdHex())));
        boolean v2 = e.set() == null;
        t.putObject("kindVersion").put("kind", kind).put("version", v2 ? "0.0.2" : "0.0.1");
        if (!v2) {
            t.put("integratedTime", Long.toString(e.integratedTime()));
            t.putObject("inclusionPromise").put("signedEntryTimestamp", Crypto.b64(e.set()));
        }
        ObjectNode proof = t.putObject("inclusionProof");
        proof.put("logIndex", Long.toString(e.logIndex()));
        proof.put("rootHash", Crypto.b64(e.rootHash()));
        proof.put("treeSize", Long.toString(e.treeSize()));
        ArrayNode hashes = proof.putArray("hashes");
        e.proofHashes().forEach(h -> hashes.add(Crypto.b64(h)));
        proof.putObject("checkpoint").put("envelope", e.checkpoint());
        t.put("canonicalizedBody", e.bodyBase64());
    }

    private static String der(X509Certificate cert) {
        try {
            return Base64.getEncoder().encodeToString(cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] write(ObjectNode bundle) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(bundle);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
