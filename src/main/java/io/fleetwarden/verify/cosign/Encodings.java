package io.fleetwarden.verify.cosign;

import dev.sigstore.encryption.certificates.Certificates;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.security.spec.X509EncodedKeySpec;

/** Decoding helpers that turn malformed input into {@link IllegalArgumentException}s with a clear message. */
final class Encodings {

    private Encodings() {
    }

    static byte[] base64(String what, String text) {
        if (text == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        try {
            return Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid base64: " + e.getMessage(), e);
        }
    }

    static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Certificates of a PEM bundle, in order; at least one. */
    static List<X509Certificate> certificates(String what, String pem) {
        try {
            CertPath path = Certificates.fromPemChain(pem);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : path.getCertificates()) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(what + " holds no PEM certificate");
            }
            return out;
        } catch (CertificateException | RuntimeException e) {
            throw new IllegalArgumentException(what + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }

    /** A PEM public key ({@code PUBLIC KEY}, SubjectPublicKeyInfo) or the key of a PEM certificate. */
    static PublicKey publicKey(String what, String pem) {
        if (pem == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (pem.contains("-----BEGIN CERTIFICATE-----")) {
            return certificates(what, pem).get(0).getPublicKey();
        }
        int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
        int end = pem.indexOf("-----END PUBLIC KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(what + " is not a PEM public key or certificate");
        }
        String body = pem.substring(begin + "-----BEGIN PUBLIC KEY-----".length(), end).replaceAll("\\s", "");
        byte[] der = base64(what, body);
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(what + " is not an EC, RSA or Ed25519 public key");
    }

    static X509Certificate certificateFromDer(String what, byte[] der) {
        try {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new IllegalArgumentException(what + " is not a DER certificate: " + e.getMessage(), e);
        }
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
