package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.verify.Check;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * A {@code dsse} 0.0.1 Rekor body must describe the envelope being verified, or a genuine log entry of some
 * other signature would pass as this one's: the payload hash and the single signature (what sigstore-java 2.0.0
 * compares), and in addition the verifier the log checked the signature with (the signing certificate, or the
 * public key), as {@link HashedRekordBody} does for hashedrekord.
 *
 * <p>The {@code envelopeHash} is deliberately not compared (neither sigstore-java nor sigstore-js do): Rekor
 * hashes the envelope as the client serialized it, which the bundle cannot reproduce byte for byte, and the
 * payload hash plus the signature already bind the entry to this envelope. Rekor v2 {@code dsse} 0.0.2 bodies are
 * checked by {@link DsseV2LogBody}; other kinds ({@code hashedrekord} 0.0.2 over a DSSE envelope, {@code intoto})
 * are refused: cosign does not write them for DSSE bundles.
 */
final class DsseLogBody {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DsseLogBody() {
    }

    static void check(String bodyBase64, LoggedSignature expected, Failures f) {
        JsonNode body;
        try {
            body = JSON.readTree(Encodings.base64("the log entry body", bodyBase64));
        } catch (IOException | IllegalArgumentException e) {
            f.add(Check.TLOG_BODY, "the log entry body cannot be read: " + e.getMessage());
            return;
        }
        String kind = body.path("kind").asText() + " " + body.path("apiVersion").asText();
        if (!"dsse 0.0.1".equals(kind)) {
            f.add(Check.TLOG_BODY, "the log entry is a \"" + kind + "\", expected a dsse 0.0.1");
            return;
        }
        JsonNode spec = body.path("spec");
        JsonNode payloadHash = spec.path("payloadHash");
        if (!"sha256".equals(payloadHash.path("algorithm").asText()) || !HexFormat.of()
                .formatHex(expected.loggedHash()).equalsIgnoreCase(payloadHash.path("value").asText())) {
            f.add(Check.TLOG_BODY, "the log entry records a different DSSE payload hash");
        }
        JsonNode sigs = spec.path("signatures");
        if (sigs.size() != 1) {
            f.add(Check.TLOG_BODY, "the log entry records " + sigs.size() + " DSSE signatures, expected 1");
            return;
        }
        try {
            if (!MessageDigest.isEqual(expected.signature(),
                    Encodings.base64("the log entry signature", sigs.get(0).path("signature").asText(null)))) {
                f.add(Check.TLOG_BODY, "the log entry records a different DSSE signature");
            }
            String verifier = Encodings.utf8(Encodings.base64("the log entry verifier",
                    sigs.get(0).path("verifier").asText(null)));
            checkVerifier(verifier, expected.certificate(), expected.key(), f);
        } catch (IllegalArgumentException e) {
            f.add(Check.TLOG_BODY, e.getMessage());
        }
    }

    private static void checkVerifier(String pem, X509Certificate certificate, PublicKey key, Failures f) {
        if (certificate != null) {
            if (!Encodings.certificates("the log entry verifier", pem).get(0).equals(certificate)) {
                f.add(Check.TLOG_BODY, "the log entry names a different certificate");
            }
        } else if (!MessageDigest.isEqual(Encodings.publicKey("the log entry verifier", pem).getEncoded(),
                key.getEncoded())) {
            f.add(Check.TLOG_BODY, "the log entry names a different public key");
        }
    }
}
