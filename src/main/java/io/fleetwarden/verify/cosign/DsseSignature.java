package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.verify.Check;
import java.security.PublicKey;

/**
 * The DSSE envelope of a bundle, for key-based and keyless bundles alike (they differ only in where
 * {@code key} comes from): exactly one signature, payload type {@code application/vnd.in-toto+json}, an in-toto
 * statement with a subject of the artifact's digest, and the signature over the byte-length PAE with the given
 * key. The same checks sigstore-java 2.0.0 makes, but without its requirement of a subject {@code name} and its
 * UTF-16 PAE length (see {@link InTotoStatement}).
 */
final class DsseSignature {

    private DsseSignature() {
    }

    /**
     * What the log entry must describe, and the statement's predicate type (null when the payload is not a
     * statement, which is then a failure).
     */
    record Checked(byte[] signature, byte[] payloadSha256, String predicateType) {
    }

    /**
     * @param keyName how failures name the key ("the given public key", "the certificate's key")
     * @return null when the envelope is too malformed to go on (the reason is in {@code f}); otherwise the
     *         signature and payload hash, with any signature, type or subject failure added to {@code f}
     */
    static Checked verify(BundleDocument doc, Digest artifact, PublicKey key, String keyName, Failures f) {
        JsonNode dsse = doc.dsse();
        byte[] payload;
        byte[] signature;
        try {
            payload = doc.dssePayload();
            if (dsse.path("signatures").size() != 1) {
                f.add(Check.SIGNATURE_FORMAT, "the DSSE envelope must carry exactly one signature, found "
                        + dsse.path("signatures").size());
                return null;
            }
            signature = Encodings.base64("dsseEnvelope.signatures[0].sig",
                    dsse.path("signatures").get(0).path("sig").asText(null));
        } catch (IllegalArgumentException e) {
            f.add(Check.SIGNATURE_FORMAT, e.getMessage());
            return null;
        }
        String payloadType = dsse.path("payloadType").asText("");
        String predicateType = null;
        if (!InTotoStatement.PAYLOAD_TYPE.equals(payloadType)) {
            f.add(Check.PAYLOAD_TYPE, "the DSSE payload type is \"" + payloadType + "\", expected "
                    + InTotoStatement.PAYLOAD_TYPE);
        } else {
            try {
                InTotoStatement statement = InTotoStatement.parse(payload);
                predicateType = statement.predicateType();
                if (!statement.hasSubject(artifact)) {
                    f.add(Check.ARTIFACT_DIGEST, "no subject of the in-toto statement has digest " + artifact);
                }
            } catch (IllegalArgumentException e) {
                f.add(Check.SIGNATURE_FORMAT, e.getMessage());
            }
        }
        // The signature covers the payload type too, so it is checked whatever the type says.
        if (!KeySignatures.verifies(key, InTotoStatement.pae(payloadType, payload), signature)) {
            f.add(Check.SIGNATURE, "the DSSE signature does not verify with " + keyName);
        }
        return new Checked(signature, Encodings.sha256(payload), predicateType);
    }
}
