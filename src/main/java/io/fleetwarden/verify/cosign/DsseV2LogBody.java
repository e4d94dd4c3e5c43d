package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.verify.Check;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.interfaces.ECPublicKey;
import java.util.Iterator;
import java.util.Set;

/**
 * A Rekor v2 {@code dsse} 0.0.2 body (rekor-tiles {@code DSSELogEntryV002} as protobuf JSON:
 * {@code {"apiVersion":"0.0.2","kind":"dsse","spec":{"dsseV002":{"payloadHash":{"algorithm":"SHA2_256","digest":..},
 * "signatures":[{"content":..,"verifier":{"keyDetails":..,"x509Certificate":{"rawBytes":..}}}]}}}}) must describe
 * the envelope being verified, as {@link DsseLogBody} requires of 0.0.1: the sha256 of the payload, the single
 * signature, and the verifier, here the exact DER of the signing certificate (or of the public key) and the key
 * details of that key. Read strictly: duplicate keys and fields the format does not have are refused, so the log
 * and we cannot read two different entries out of one body.
 */
final class DsseV2LogBody {

    private static final ObjectMapper STRICT = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private DsseV2LogBody() {
    }

    static void check(byte[] bodyJson, LoggedSignature expected, Failures f) {
        JsonNode body;
        try {
            body = STRICT.readTree(bodyJson);
        } catch (IOException e) {
            f.add(Check.TLOG_BODY, "the log entry body cannot be read: " + e.getMessage());
            return;
        }
        String kind = body.path("kind").asText() + " " + body.path("apiVersion").asText();
        if (!"dsse 0.0.2".equals(kind)) {
            f.add(Check.TLOG_BODY, "the log entry is a \"" + kind + "\", expected a dsse 0.0.2");
            return;
        }
        JsonNode spec = body.path("spec").path("dsseV002");
        String unexpected = firstUnexpected(body, Set.of("apiVersion", "kind", "spec"))
                + firstUnexpected(body.path("spec"), Set.of("dsseV002"))
                + firstUnexpected(spec, Set.of("payloadHash", "signatures"));
        if (!unexpected.isEmpty()) {
            f.add(Check.TLOG_BODY, "the dsse 0.0.2 log entry has fields the format does not have: " + unexpected);
            return;
        }
        try {
            JsonNode hash = spec.path("payloadHash");
            if (!"SHA2_256".equals(hash.path("algorithm").asText()) || !MessageDigest.isEqual(expected.loggedHash(),
                    Encodings.base64("the log entry payload hash", hash.path("digest").asText(null)))) {
                f.add(Check.TLOG_BODY, "the log entry records a different DSSE payload hash");
            }
            JsonNode sigs = spec.path("signatures");
            if (!sigs.isArray() || sigs.size() != 1) {
                f.add(Check.TLOG_BODY, "the log entry records " + sigs.size() + " DSSE signatures, expected 1");
                return;
            }
            JsonNode sig = sigs.get(0);
            if (!MessageDigest.isEqual(expected.signature(),
                    Encodings.base64("the log entry signature", sig.path("content").asText(null)))) {
                f.add(Check.TLOG_BODY, "the log entry records a different DSSE signature");
            }
            checkVerifier(sig.path("verifier"), expected, f);
        } catch (IllegalArgumentException e) {
            f.add(Check.TLOG_BODY, e.getMessage());
        }
    }

    private static void checkVerifier(JsonNode verifier, LoggedSignature expected, Failures f) {
        String details = verifier.path("keyDetails").asText("");
        String wanted = keyDetails(expected.key());
        if (wanted == null ? !details.startsWith("PKIX_RSA_") : !wanted.equals(details)) {
            f.add(Check.TLOG_BODY, "the log entry's key details are \"" + details + "\", not those of the signing key ("
                    + (wanted == null ? "PKIX_RSA_*" : wanted) + ")");
        }
        byte[] der;
        try {
            der = expected.certificate() != null ? expected.certificate().getEncoded() : expected.key().getEncoded();
        } catch (CertificateEncodingException e) {
            f.add(Check.TLOG_BODY, "the signing certificate cannot be encoded: " + e.getMessage());
            return;
        }
        String field = expected.certificate() != null ? "x509Certificate" : "publicKey";
        byte[] logged = Encodings.base64("the log entry verifier", verifier.path(field).path("rawBytes").asText(null));
        if (!MessageDigest.isEqual(der, logged)) {
            f.add(Check.TLOG_BODY, "the log entry names a different " + (expected.certificate() != null ? "certificate"
                    : "public key"));
        }
    }

    /** The protobuf-specs {@code PublicKeyDetails} of a key; null for RSA (several paddings and sizes exist). */
    static String keyDetails(PublicKey key) {
        if (key instanceof ECPublicKey ec) {
            return switch (ec.getParams().getCurve().getField().getFieldSize()) {
                case 256 -> "PKIX_ECDSA_P256_SHA_256";
                case 384 -> "PKIX_ECDSA_P384_SHA_384";
                case 521 -> "PKIX_ECDSA_P521_SHA_512";
                default -> "unsupported EC curve";
            };
        }
        if ("RSA".equals(key.getAlgorithm())) {
            return null;
        }
        return "Ed25519".equals(key.getAlgorithm()) || "EdDSA".equals(key.getAlgorithm()) ? "PKIX_ED25519"
                : "unsupported key " + key.getAlgorithm();
    }

    private static String firstUnexpected(JsonNode node, Set<String> allowed) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!allowed.contains(name)) {
                return name + " ";
            }
        }
        return "";
    }
}
