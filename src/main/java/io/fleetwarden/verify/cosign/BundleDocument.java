package io.fleetwarden.verify.cosign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw (Jackson) view of a Sigstore bundle, for the checks sigstore-java does not make and for key-based
 * bundles, which sigstore-java 2.0.0 refuses to parse. Only structure is read here; nothing is trusted.
 */
record BundleDocument(JsonNode json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** @throws IllegalArgumentException when the bytes are not a JSON object */
    static BundleDocument parse(byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("bundle is not a JSON object");
            }
            return new BundleDocument(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bundle is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("bundle cannot be read: " + e.getMessage(), e);
        }
    }

    JsonNode material() {
        return json.path("verificationMaterial");
    }

    boolean hasPublicKey() {
        return material().has("publicKey");
    }

    /** The certificates the bundle presents (leaf first): {@code certificate} or {@code x509CertificateChain}. */
    List<X509Certificate> presentedCertificates() {
        List<X509Certificate> out = new ArrayList<>();
        JsonNode single = material().path("certificate").path("rawBytes");
        if (single.isTextual()) {
            out.add(Encodings.certificateFromDer("verificationMaterial.certificate",
                    Encodings.base64("verificationMaterial.certificate.rawBytes", single.asText())));
        }
        JsonNode chain = material().path("x509CertificateChain").path("certificates");
        for (int i = 0; i < chain.size(); i++) {
            String where = "verificationMaterial.x509CertificateChain.certificates[" + i + "]";
            out.add(Encodings.certificateFromDer(where, Encodings.base64(where, chain.get(i).path("rawBytes").asText(null))));
        }
        return out;
    }

    boolean isDsse() {
        return json.has("dsseEnvelope");
    }

    JsonNode dsse() {
        return json.path("dsseEnvelope");
    }

    byte[] dssePayload() {
        return Encodings.base64("dsseEnvelope.payload", dsse().path("payload").asText(null));
    }

    JsonNode messageSignature() {
        return json.path("messageSignature");
    }

    JsonNode tlogEntries() {
        return material().path("tlogEntries");
    }
}
