package io.fleetwarden.testing.sigstore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * The few primitives every part of the local Sigstore needs: P-256 keys, ECDSA-SHA256 signatures (ASN.1 DER,
 * as Go's {@code ecdsa.SignASN1}), SHA-256, PEM the way Go's {@code pem.Encode} writes it, and RFC 8785 JSON.
 */
final class Crypto {

    static final SecureRandom RANDOM = new SecureRandom();
    /**
     * BouncyCastle for key generation and signing: about five times faster than SunEC on JDK 17, which is what
     * makes thousands of signatures per benchmark affordable. Not registered globally, so verifiers under test
     * keep using the default providers.
     */
    static final Provider BC = new BouncyCastleProvider();
    private static final Base64.Encoder PEM_BASE64 = Base64.getMimeEncoder(64, new byte[] {'\n'});

    private Crypto() {
    }

    static KeyPair newP256KeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A P-384 key pair: Fulcio's root and intermediate keys are P-384 (and sign with SHA-384). */
    static KeyPair newP384KeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", BC);
            generator.initialize(new ECGenParameterSpec("secp384r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An Ed25519 key pair, the key type of Rekor v2 logs (log2025-1.rekor.sigstore.dev). */
    static KeyPair newEd25519KeyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ed25519 over {@code data} (a checkpoint's note text). */
    static byte[] signEd25519(PrivateKey key, byte[] data) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(key);
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ECDSA over SHA-256 of {@code data}. */
    static byte[] sign(PrivateKey key, byte[] data) {
        return signWith("SHA256withECDSA", key, data);
    }

    /** ECDSA over an already computed SHA-256 digest (what Sigstore clients do for large blobs). */
    static byte[] signDigest(PrivateKey key, byte[] sha256) {
        return signWith("NONEwithECDSA", key, sha256);
    }

    private static byte[] signWith(String algorithm, PrivateKey key, byte[] data) {
        try {
            Signature signature = Signature.getInstance(algorithm, BC);
            signature.initSign(key, RANDOM);
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(String utf8) {
        return sha256(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** The log id of CT logs and Rekor (and the trusted root's {@code logId.keyId}): sha256 of the DER SPKI. */
    static byte[] keyId(PublicKey key) {
        return sha256(key.getEncoded());
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static String b64(String utf8) {
        return b64(utf8.getBytes(StandardCharsets.UTF_8));
    }

    static String pem(X509Certificate cert) {
        try {
            return pem("CERTIFICATE", cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    /** 64-column base64 lines, LF endings, trailing LF: byte-identical to Go's pem.Encode and JcaPEMWriter. */
    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + new String(PEM_BASE64.encode(der), StandardCharsets.US_ASCII)
                + "\n-----END " + type + "-----\n";
    }

    /** RFC 8785 canonical form, which is how Rekor stores entry bodies and what the SET signs. */
    static byte[] canonicalJson(String json) {
        try {
            return new JsonCanonicalizer(json).getEncodedUTF8();
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }
}
