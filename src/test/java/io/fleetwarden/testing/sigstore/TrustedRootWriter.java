package io.fleetwarden.testing.sigstore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;

/**
 * Writes a Sigstore {@code trusted_root.json} (protobuf-specs TrustedRoot v0.1, the format of the public-good
 * root embedded in src/main) for the local CA, Rekor v1 and v2 logs, CT log and TSA.
 */
final class TrustedRootWriter {

    static final String MEDIA_TYPE = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrustedRootWriter() {
    }

    /** The Rekor v2 log and the TSA beside the v1 log: {@code logId} is the log's signed-note key id. */
    record V2(String url, PublicKey key, byte[] logId, TimestampAuthority tsa, String tsaUrl) {
    }

    static byte[] write(FulcioCa ca, String fulcioUrl, PublicKey rekorKey, String rekorUrl, PublicKey ctKey,
            String ctUrl, V2 v2, TrustedRootOptions options) {
        ObjectNode root = JSON.createObjectNode();
        root.put("mediaType", MEDIA_TYPE);
        ArrayNode tlogs = root.putArray("tlogs");
        log(tlogs, rekorUrl, rekorKey, options.tlog(), "PKIX_ECDSA_P256_SHA_256", Crypto.keyId(rekorKey));
        log(tlogs, v2.url(), v2.key(), options.tlog(), "PKIX_ED25519", v2.logId());

        ObjectNode authority = root.putArray("certificateAuthorities").addObject();
        authority.putObject("subject").put("organization", LocalSigstore.ORGANIZATION)
                .put("commonName", LocalSigstore.CA_NAME);
        authority.put("uri", fulcioUrl);
        ArrayNode certificates = authority.putObject("certChain").putArray("certificates");
        for (X509Certificate cert : ca.chain()) {
            certificates.addObject().put("rawBytes", Crypto.b64(der(cert)));
        }
        validFor(authority, options.ca());

        log(root.putArray("ctlogs"), ctUrl, ctKey, options.ctlog(), "PKIX_ECDSA_P256_SHA_256", Crypto.keyId(ctKey));
        ObjectNode tsa = root.putArray("timestampAuthorities").addObject();
        tsa.putObject("subject").put("organization", LocalSigstore.ORGANIZATION).put("commonName", "tsa");
        tsa.put("uri", v2.tsaUrl());
        ArrayNode tsaCerts = tsa.putObject("certChain").putArray("certificates");
        for (X509Certificate cert : v2.tsa().chain()) {
            tsaCerts.addObject().put("rawBytes", Crypto.b64(der(cert)));
        }
        validFor(tsa, options.tlog());
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void log(ArrayNode logs, String url, PublicKey key, TrustedRootOptions.Validity validity,
            String keyDetails, byte[] logId) {
        ObjectNode log = logs.addObject();
        log.put("baseUrl", url);
        log.put("hashAlgorithm", "SHA2_256");
        ObjectNode publicKey = log.putObject("publicKey");
        publicKey.put("rawBytes", Crypto.b64(key.getEncoded()));
        publicKey.put("keyDetails", keyDetails);
        validFor(publicKey, validity);
        log.putObject("logId").put("keyId", Crypto.b64(logId));
    }

    private static void validFor(ObjectNode parent, TrustedRootOptions.Validity validity) {
        ObjectNode v = parent.putObject("validFor");
        if (validity.start() != null) {
            v.put("start", validity.start().toString());
        }
        if (validity.end() != null) {
            v.put("end", validity.end().toString());
        }
    }

    private static byte[] der(X509Certificate cert) {
        try {
            return cert.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
