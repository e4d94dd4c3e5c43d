package io.fleetwarden.testing.sigstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstore.encryption.certificates.Certificates;
import dev.sigstore.fulcio.client.FulcioVerifier;
import io.fleetwarden.verify.LegacySignature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * Test helper: every check cosign makes on a legacy signature layer offline, written independently of the
 * writer (hand-built SET content, sigstore-java for chain and SCT), returning the names of the failing checks.
 */
final class LegacyChecks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LegacyChecks() {
    }

    static Set<String> failing(LegacySigned signed, String manifestDigest, byte[] trustedRootJson, PublicKey rekorKey)
            throws Exception {
        Set<String> failing = new TreeSet<>();
        JsonNode payload = JSON.readTree(signed.payload());
        if (!manifestDigest.equals(payload.at("/critical/image/docker-manifest-digest").asText())) {
            failing.add("payload digest");
        }
        if (!"cosign container image signature".equals(payload.at("/critical/type").asText())) {
            failing.add("payload type");
        }
        byte[] signature = Base64.getDecoder().decode(signed.annotation(LegacySignature.SIGNATURE));
        X509Certificate leaf = signed.annotation(LegacySignature.CERTIFICATE) == null ? null
                : (X509Certificate) Certificates.fromPem(signed.annotation(LegacySignature.CERTIFICATE));
        PublicKey signerKey = leaf == null ? signed.publicKey() : leaf.getPublicKey();
        if (!Crypto.verify(signerKey, signed.payload(), signature)) {
            failing.add("signature");
        }
        if (leaf != null && !chainVerifies(signed, trustedRootJson)) {
            failing.add("chain");
        }
        String bundle = signed.annotation(LegacySignature.BUNDLE);
        if (bundle != null) {
            JsonNode rekorBundle = JSON.readTree(bundle);
            JsonNode p = rekorBundle.get("Payload");
            if (!Crypto.verify(rekorKey, setContent(p), Base64.getDecoder().decode(
                    rekorBundle.get("SignedEntryTimestamp").asText()))) {
                failing.add("SET");
            }
            if (!bodyMatches(p, signed, signature, leaf)) {
                failing.add("tlog body");
            }
            if (leaf != null && !validAt(leaf, p.get("integratedTime").asLong())) {
                failing.add("integrated time");
            }
        }
        return failing;
    }

    /** cosign VerifySET: the four fields in canonical JSON, written here by hand on purpose. */
    private static byte[] setContent(JsonNode p) throws IOException {
        String json = "{\"body\":\"" + p.get("body").asText() + "\",\"integratedTime\":" + p.get("integratedTime").asLong()
                + ",\"logID\":\"" + p.get("logID").asText() + "\",\"logIndex\":" + p.get("logIndex").asLong() + "}";
        return new JsonCanonicalizer(json).getEncodedUTF8();
    }

    /** cosign VerifyBundle: body hash = sha256(payload), same signature, same certificate (or key). */
    private static boolean bodyMatches(JsonNode p, LegacySigned signed, byte[] signature, X509Certificate leaf)
            throws IOException {
        JsonNode body = JSON.readTree(Base64.getDecoder().decode(p.get("body").asText()));
        String verifier = new String(Base64.getDecoder().decode(body.at("/spec/signature/publicKey/content").asText()),
                StandardCharsets.UTF_8);
        return "hashedrekord".equals(body.get("kind").asText())
                && HexFormat.of().formatHex(Crypto.sha256(signed.payload())).equals(body.at("/spec/data/hash/value").asText())
                && Base64.getEncoder().encodeToString(signature).equals(body.at("/spec/signature/content").asText())
                && verifier.equals(leaf != null ? Crypto.pem(leaf) : Crypto.pem(signed.publicKey()));
    }

    private static boolean chainVerifies(LegacySigned signed, byte[] trustedRootJson) throws Exception {
        String pemChain = signed.annotation(LegacySignature.CERTIFICATE) + signed.annotation(LegacySignature.CHAIN);
        try {
            FulcioVerifier.newFulcioVerifier(SigstoreJava.trustedRoot(trustedRootJson))
                    .verifySigningCertificate(Certificates.fromPemChain(pemChain));
            return true;
        } catch (dev.sigstore.fulcio.client.FulcioVerificationException e) {
            return false;
        }
    }

    private static boolean validAt(X509Certificate leaf, long epochSeconds) {
        try {
            leaf.checkValidity(new Date(epochSeconds * 1000));
            return true;
        } catch (CertificateException e) {
            return false;
        }
    }
}
