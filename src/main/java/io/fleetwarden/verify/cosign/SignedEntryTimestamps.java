package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sigstore.json.canonicalizer.JsonCanonicalizer;
import dev.sigstore.trustroot.TransparencyLog;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Offline verification of a Rekor signed entry timestamp (SET): the log's promise that it included an entry.
 * sigstore-java 2.0.0 only verifies a SET together with an inclusion proof, and legacy cosign signatures carry
 * only the SET, so this is done here as cosign does ({@code pkg/cosign/verify.go VerifySET}): the log's
 * ECDSA/SHA-256 signature over the RFC 8785 canonical JSON of {@code {body, integratedTime, logID, logIndex}},
 * checked with the key of the trusted-root log whose key id (sha256 of its DER SubjectPublicKeyInfo) is the
 * entry's {@code logID}. A log that is not in the trusted root is never trusted, whatever its SET says.
 */
final class SignedEntryTimestamps {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SignedEntryTimestamps() {
    }

    /** The outcome: the log that signed, or why the SET does not hold. */
    record Result(TransparencyLog log, String failure) {
        boolean ok() {
            return failure == null;
        }
    }

    static Result verify(List<TransparencyLog> logs, String bodyBase64, long integratedTime, String logIdHex,
            long logIndex, byte[] set) {
        byte[] logId;
        try {
            logId = HexFormat.of().parseHex(logIdHex);
        } catch (IllegalArgumentException | NullPointerException e) {
            return new Result(null, "the SET's logID \"" + logIdHex + "\" is not hex");
        }
        Optional<TransparencyLog> log = TransparencyLog.find(logs, logId);
        if (log.isEmpty()) {
            return new Result(null, "SET by a log not in the trusted root (logID " + logIdHex + ")");
        }
        try {
            ObjectNode payload = JSON.createObjectNode();
            payload.put("body", bodyBase64);
            payload.put("integratedTime", integratedTime);
            payload.put("logID", logIdHex);
            payload.put("logIndex", logIndex);
            byte[] signed = new JsonCanonicalizer(JSON.writeValueAsString(payload)).getEncodedUTF8();
            // KeySignatures: BouncyCastle's fixed-curve P-256 for Rekor's key, the JDK for any other key.
            boolean valid = KeySignatures.verifies(log.get().getPublicKey().toJavaPublicKey(), signed, set);
            return valid ? new Result(log.get(), null)
                    : new Result(log.get(), "the SET signature does not verify with the key of log "
                            + log.get().getBaseUrl());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return new Result(log.get(), "the SET cannot be verified with the key of log " + log.get().getBaseUrl()
                    + ": " + e.getMessage());
        }
    }
}
