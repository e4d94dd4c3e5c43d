package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.LegacySignature;
import io.fleetwarden.verify.TrustAnchor;
import java.io.IOException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The {@code dev.sigstore.cosign/bundle} annotation of a legacy signature: {@code {"SignedEntryTimestamp": b64,
 * "Payload": {"body": b64, "integratedTime": n, "logIndex": n, "logID": hex}}} (cosign {@code RekorBundle}).
 * The SET must verify with a Rekor key of the trusted root and the body must describe this signature.
 * Keyless signatures require it: without a log entry we have no trusted signing time, and we never look the
 * entry up online.
 */
final class LegacyLogEvidence {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LegacyLogEvidence() {
    }

    /** A verified log entry: when it was integrated and by which log. */
    record Entry(Instant integratedTime, byte[] logId) {
    }

    /** @return the entry when its SET holds (body problems are reported but do not hide the time), else null */
    static Entry verify(LegacySignature sig, TrustAnchor anchor, LoadedRoot root, byte[] payload, byte[] signature,
            X509Certificate leaf, PublicKey key, Failures f) {
        String annotation = sig.annotations().get(LegacySignature.BUNDLE);
        if (annotation == null || annotation.isBlank()) {
            if (!anchor.isKeyBased() || anchor.requireTlog()) {
                f.add(Check.TLOG_ENTRY, "no transparency log evidence (no " + LegacySignature.BUNDLE
                        + " annotation); online Rekor lookups are not performed");
            }
            return null;
        }
        JsonNode bundle;
        try {
            bundle = JSON.readTree(annotation);
        } catch (IOException e) {
            f.add(Check.SIGNATURE_FORMAT, "the " + LegacySignature.BUNDLE + " annotation is not valid JSON: "
                    + e.getMessage());
            return null;
        }
        JsonNode p = bundle.path("Payload");
        String body = p.path("body").asText(null);
        String logIdHex = p.path("logID").asText(null);
        if (body == null || logIdHex == null || !p.path("integratedTime").canConvertToLong()
                || !p.path("logIndex").canConvertToLong()) {
            f.add(Check.SIGNATURE_FORMAT, "the " + LegacySignature.BUNDLE + " annotation lacks Payload.body, "
                    + "integratedTime, logIndex or logID");
            return null;
        }
        byte[] set;
        try {
            set = Encodings.base64("SignedEntryTimestamp", bundle.path("SignedEntryTimestamp").asText(null));
        } catch (IllegalArgumentException e) {
            f.add(Check.SIGNATURE_FORMAT, "the " + LegacySignature.BUNDLE + " annotation: " + e.getMessage());
            return null;
        }
        if (root == null) {
            f.add(Check.TLOG_ENTRY, "trusted root \"" + anchor.trustedRoot() + "\" is not loaded, so the SET cannot "
                    + "be checked");
            return null;
        }
        long integratedTime = p.path("integratedTime").asLong();
        SignedEntryTimestamps.Result result = SignedEntryTimestamps.verify(root.root().getTLogs(), body, integratedTime,
                logIdHex, p.path("logIndex").asLong(), set);
        if (!result.ok()) {
            f.add(Check.TLOG_ENTRY, result.failure());
        }
        if (signature != null && (leaf != null || key != null)) {
            HashedRekordBody.check(body, Encodings.sha256(payload), signature, leaf, key, f);
        }
        return result.ok() ? new Entry(Instant.ofEpochSecond(integratedTime), HexFormat.of().parseHex(logIdHex)) : null;
    }
}
