package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.verify.Check;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;

/**
 * The Rekor entry body ({@code hashedrekord} 0.0.1) a SET vouches for must describe the very signature being
 * verified: otherwise a valid SET for some other entry would be accepted as log evidence for this one (cosign
 * {@code VerifyBundle}: {@code bundleHash}, {@code compareSigs}, {@code comparePublicKey}).
 */
final class HashedRekordBody {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HashedRekordBody() {
    }

    /**
     * @param sha256      the hash the entry must record (of the legacy payload, or the artifact digest)
     * @param certificate the exact certificate the entry must name; null for key-based signatures
     * @param key         the key the entry must name when {@code certificate} is null
     */
    static void check(String bodyBase64, byte[] sha256, byte[] signature, X509Certificate certificate, PublicKey key,
            Failures failures) {
        JsonNode body;
        try {
            body = JSON.readTree(Encodings.base64("the log entry body", bodyBase64));
        } catch (IOException | IllegalArgumentException e) {
            failures.add(Check.TLOG_BODY, "the log entry body is not base64 JSON: " + e.getMessage());
            return;
        }
        String kind = body.path("kind").asText() + " " + body.path("apiVersion").asText();
        if (!"hashedrekord 0.0.1".equals(kind)) {
            failures.add(Check.TLOG_BODY, "the log entry is a \"" + kind + "\", expected a hashedrekord 0.0.1");
            return;
        }
        JsonNode spec = body.path("spec");
        JsonNode hash = spec.path("data").path("hash");
        String expectedHex = HexFormat.of().formatHex(sha256);
        if (!"sha256".equals(hash.path("algorithm").asText()) || !expectedHex.equalsIgnoreCase(hash.path("value").asText())) {
            failures.add(Check.TLOG_BODY, "the log entry records hash " + hash.path("algorithm").asText() + ":"
                    + hash.path("value").asText() + ", but the signed content has sha256:" + expectedHex);
        }
        try {
            byte[] logged = Encodings.base64("the log entry signature", spec.path("signature").path("content").asText(null));
            if (!MessageDigest.isEqual(logged, signature)) {
                failures.add(Check.TLOG_BODY, "the log entry records a different signature");
            }
        } catch (IllegalArgumentException e) {
            failures.add(Check.TLOG_BODY, e.getMessage());
        }
        try {
            String pem = Encodings.utf8(Encodings.base64("the log entry public key",
                    spec.path("signature").path("publicKey").path("content").asText(null)));
            if (certificate != null) {
                List<X509Certificate> logged = Encodings.certificates("the log entry public key", pem);
                if (!logged.get(0).equals(certificate)) {
                    failures.add(Check.TLOG_BODY, "the log entry names a different certificate");
                }
            } else if (!MessageDigest.isEqual(Encodings.publicKey("the log entry public key", pem).getEncoded(),
                    key.getEncoded())) {
                failures.add(Check.TLOG_BODY, "the log entry names a different public key");
            }
        } catch (IllegalArgumentException e) {
            failures.add(Check.TLOG_BODY, e.getMessage());
        }
    }
}
