package io.fleetwarden.testing.sigstore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.verify.LegacySignature;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes the layer annotations of a legacy cosign signature (cosign ≤ v2, {@code --new-bundle-format=false}). */
final class LegacyWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LegacyWriter() {
    }

    static LegacySigned write(byte[] payload, byte[] signature, Signer signer, LogEntry entry) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(LegacySignature.SIGNATURE, Crypto.b64(signature));
        if (signer.keyless()) {
            annotations.put(LegacySignature.CERTIFICATE, Crypto.pem(signer.leaf()));
            StringBuilder chain = new StringBuilder();
            for (X509Certificate cert : signer.chain()) {
                chain.append(Crypto.pem(cert));
            }
            annotations.put(LegacySignature.CHAIN, chain.toString());
        }
        if (entry != null) {
            annotations.put(LegacySignature.BUNDLE, rekorBundle(entry));
        }
        return new LegacySigned(payload, annotations, signature, signer.leaf(), signer.chain(),
                signer.key().getPublic(), entry);
    }

    /**
     * cosign's {@code RekorBundle} as Go's json.Marshal writes it: {@code SignedEntryTimestamp} (no json tag, so
     * the field name) then {@code Payload} with body, integratedTime, logIndex, logID in struct order.
     */
    static String rekorBundle(LogEntry entry) {
        ObjectNode bundle = JSON.createObjectNode();
        bundle.put("SignedEntryTimestamp", Crypto.b64(entry.set()));
        ObjectNode payload = bundle.putObject("Payload");
        payload.put("body", entry.bodyBase64());
        payload.put("integratedTime", entry.integratedTime());
        payload.put("logIndex", entry.logIndex());
        payload.put("logID", entry.logIdHex());
        return bundle.toString();
    }
}
