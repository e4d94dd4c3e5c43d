package io.fleetwarden.verify.cosign;

import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A minimal self-made Sigstore for legacy-signature tests: a Fulcio-like CA, a CT log that embeds a real
 * RFC 6962 precertificate SCT, a Rekor-like log that signs SETs, and the matching trusted_root.json. Everything
 * is computed here independently of the code under test (the SET canonical JSON is written by hand).
 */
final class LegacyTestMaterial {

    static final String ISSUER = "https://token.actions.githubusercontent.com";
    static final String SAN = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";
    static final Instant ROOT_START = Instant.parse("2024-01-01T00:00:00Z");

    final KeyPair caKey = p256();
    final KeyPair ctKey = p256();
    final KeyPair rekorKey = p256();
    final X509Certificate ca;

    LegacyTestMaterial() throws Exception {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=test-fulcio,O=fleetwarden"),
                BigInteger.ONE, Date.from(ROOT_START), Date.from(ROOT_START.plusSeconds(10L * 365 * 86400)),
                new X500Name("CN=test-fulcio,O=fleetwarden"), caKey.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        ca = sign(b, caKey.getPrivate());
    }

    static KeyPair p256() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Fulcio-like leaf for {@code key}, valid 10 minutes from {@code notBefore}, with an embedded SCT. */
    X509Certificate leaf(PublicKey key, Instant notBefore) throws Exception {
        X509v3CertificateBuilder pre = leafBuilder(key, notBefore);
        byte[] tbs = sign(pre, caKey.getPrivate()).getTBSCertificate();
        X509v3CertificateBuilder fin = leafBuilder(key, notBefore);
        fin.addExtension(new ASN1ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2"), false,
                new DEROctetString(sctList(tbs, notBefore.toEpochMilli())));
        return sign(fin, caKey.getPrivate());
    }

    private X509v3CertificateBuilder leafBuilder(PublicKey key, Instant notBefore) throws Exception {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name("CN=test-fulcio,O=fleetwarden"),
                BigInteger.valueOf(notBefore.toEpochMilli()), Date.from(notBefore), Date.from(notBefore.plusSeconds(600)),
                new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), key);
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.subjectAlternativeName, true,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, SAN)));
        b.addExtension(new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.1.8"), false, new DERUTF8String(ISSUER));
        return b;
    }

    /** RFC 6962 §3.2: an SCT over the precertificate entry, in a TLS-encoded SCT list. */
    private byte[] sctList(byte[] precertTbs, long timestamp) throws Exception {
        ByteArrayOutputStream signed = new ByteArrayOutputStream();
        signed.write(0); // v1
        signed.write(0); // certificate_timestamp
        signed.write(longBytes(timestamp));
        signed.write(new byte[] {0, 1}); // precert_entry
        signed.write(sha256(ca.getPublicKey().getEncoded()));
        signed.write(new byte[] {(byte) (precertTbs.length >> 16), (byte) (precertTbs.length >> 8), (byte) precertTbs.length});
        signed.write(precertTbs);
        signed.write(new byte[] {0, 0}); // no extensions
        byte[] sig = ecdsa(ctKey.getPrivate(), signed.toByteArray());
        ByteArrayOutputStream sct = new ByteArrayOutputStream();
        sct.write(0);
        sct.write(sha256(ctKey.getPublic().getEncoded()));
        sct.write(longBytes(timestamp));
        sct.write(new byte[] {0, 0, 4, 3, (byte) (sig.length >> 8), (byte) sig.length});
        sct.write(sig);
        byte[] s = sct.toByteArray();
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        list.write(new byte[] {(byte) ((s.length + 2) >> 8), (byte) (s.length + 2), (byte) (s.length >> 8), (byte) s.length});
        list.write(s);
        return list.toByteArray();
    }

    /** The trusted_root.json for this CA, CT log and Rekor log. */
    byte[] trustedRoot() throws Exception {
        String start = ROOT_START.toString();
        return ("{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\","
                + "\"tlogs\":[" + log("https://rekor.test", rekorKey.getPublic(), start) + "],"
                + "\"ctlogs\":[" + log("https://ct.test", ctKey.getPublic(), start) + "],"
                + "\"certificateAuthorities\":[{\"subject\":{\"organization\":\"fleetwarden\",\"commonName\":\"test-fulcio\"},"
                + "\"uri\":\"https://fulcio.test\",\"certChain\":{\"certificates\":[{\"rawBytes\":\""
                + b64(ca.getEncoded()) + "\"}]},\"validFor\":{\"start\":\"" + start + "\"}}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String log(String url, PublicKey key, String start) {
        return "{\"baseUrl\":\"" + url + "\",\"hashAlgorithm\":\"SHA2_256\",\"publicKey\":{\"rawBytes\":\""
                + b64(key.getEncoded()) + "\",\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\",\"validFor\":{\"start\":\""
                + start + "\"}},\"logId\":{\"keyId\":\"" + b64(sha256(key.getEncoded())) + "\"}}";
    }

    static byte[] simpleSigning(String digest, String type) {
        return ("{\"critical\":{\"identity\":{\"docker-reference\":\"registry.test/app\"},\"image\":"
                + "{\"docker-manifest-digest\":\"" + digest + "\"},\"type\":\"" + type + "\"},\"optional\":null}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A hashedrekord 0.0.1 body for the payload hash, signature and PEM key or certificate, base64. */
    static String hashedRekord(byte[] payloadSha256, byte[] signature, String pem) {
        String json = "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":"
                + "\"sha256\",\"value\":\"" + HexFormat.of().formatHex(payloadSha256) + "\"}},\"signature\":{\"content\":\""
                + b64(signature) + "\",\"publicKey\":{\"content\":\"" + b64(pem.getBytes(StandardCharsets.UTF_8)) + "\"}}}}";
        return b64(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The dev.sigstore.cosign/bundle annotation: SET by {@code log} over the hand-written canonical JSON. */
    static String rekorBundle(KeyPair log, String body, long integratedTime, long logIndex) throws Exception {
        String logId = HexFormat.of().formatHex(sha256(log.getPublic().getEncoded()));
        String canonical = "{\"body\":\"" + body + "\",\"integratedTime\":" + integratedTime + ",\"logID\":\"" + logId
                + "\",\"logIndex\":" + logIndex + "}";
        byte[] set = ecdsa(log.getPrivate(), canonical.getBytes(StandardCharsets.UTF_8));
        return "{\"SignedEntryTimestamp\":\"" + b64(set) + "\",\"Payload\":{\"body\":\"" + body
                + "\",\"integratedTime\":" + integratedTime + ",\"logIndex\":" + logIndex + ",\"logID\":\"" + logId + "\"}}";
    }

    static String pem(Object o) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    static byte[] ecdsa(PrivateKey key, byte[] data) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(key);
        s.update(data);
        return s.sign();
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) v;
            v >>= 8;
        }
        return b;
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }
}
