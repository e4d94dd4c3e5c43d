package io.fleetwarden.kube.certs;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PEM encoding of the certificates and EC keys this package writes, and bounded parsing of what it reads back. */
public final class Pem {

    /** A Secret value is at most 1 MiB; ours are a few hundred bytes, so anything above this is not ours. */
    static final int MAX_BYTES = 64 * 1024;
    private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String KEY_END = "-----END PRIVATE KEY-----";

    private Pem() {
    }

    public static byte[] certificates(List<X509Certificate> certificates) {
        StringBuilder out = new StringBuilder();
        try {
            for (X509Certificate certificate : certificates) {
                out.append(block("CERTIFICATE", certificate.getEncoded()));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode a certificate", e);
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** PKCS#8, the form Vert.x, Go's crypto/tls and cert-manager all read. */
    public static byte[] privateKey(PrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded()).getBytes(StandardCharsets.US_ASCII);
    }

    public static List<X509Certificate> parseCertificates(byte[] pem, String what) throws InvalidPemException {
        requireBounded(pem, what);
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))) {
                out.add((X509Certificate) certificate);
            }
            if (out.isEmpty()) {
                throw new InvalidPemException(what + " holds no PEM certificate");
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new InvalidPemException(what + " is not a PEM certificate: " + e.getMessage());
        }
    }

    public static PrivateKey parseEcPrivateKey(byte[] pem, String what) throws InvalidPemException {
        requireBounded(pem, what);
        String text = new String(pem, StandardCharsets.US_ASCII).trim();
        if (!text.startsWith(KEY_BEGIN) || !text.endsWith(KEY_END)) {
            throw new InvalidPemException(what + " is not a PEM PKCS#8 private key (BEGIN PRIVATE KEY)");
        }
        String body = text.substring(KEY_BEGIN.length(), text.length() - KEY_END.length());
        try {
            byte[] der = Base64.getMimeDecoder().decode(body);
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new InvalidPemException(what + " is not an EC PKCS#8 private key: " + e.getMessage());
        }
    }

    private static void requireBounded(byte[] pem, String what) throws InvalidPemException {
        if (pem == null || pem.length == 0) {
            throw new InvalidPemException(what + " is missing");
        }
        if (pem.length > MAX_BYTES) {
            throw new InvalidPemException(what + " is larger than " + MAX_BYTES + " bytes");
        }
    }

    private static String block(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    /** Secret content that is not what this package writes; the caller replaces it and logs the message. */
    public static final class InvalidPemException extends Exception {

        public InvalidPemException(String message) {
            super(message);
        }
    }
}
