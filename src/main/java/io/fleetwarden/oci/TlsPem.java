package io.fleetwarden.oci;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * PEM as Go's {@code crypto/tls} and {@code crypto/x509} read it for a registry's TLS material, so that what
 * source-controller accepts in a {@code certSecretRef} we accept too:
 * <ul>
 * <li>CA certificates as {@code x509.CertPool.AppendCertsFromPEM}: every {@code CERTIFICATE} block that parses,
 * other blocks and unparsable certificates skipped; none at all is an error;</li>
 * <li>a client pair as {@code tls.X509KeyPair}: the certificate chain from the {@code CERTIFICATE} blocks, the key
 * from the first block whose type ends in {@code PRIVATE KEY} (PKCS#8, PKCS#1 RSA or SEC 1 EC, whatever the
 * label), and the key must belong to the first certificate.</li>
 * </ul>
 * Messages name what was read and never quote it: a key is a secret, and even a certificate's bytes do not help a
 * reader of an event.
 */
public final class TlsPem {

    /** The API server's limit for a whole Secret; a value beyond it did not come from one. */
    static final int MAX_BYTES = 1024 * 1024;
    /** Mozilla's whole root bundle is about 150 certificates. */
    static final int MAX_CERTIFICATES = 1000;

    private TlsPem() {
    }

    /** The CA certificates in {@code pem}; {@code what} names it in messages ({@code "ca.crt of secret ns/x"}). */
    public static List<X509Certificate> caCertificates(byte[] pem, String what) {
        List<X509Certificate> out = new ArrayList<>();
        for (PemObject block : blocks(pem, what)) {
            if ("CERTIFICATE".equals(block.getType()) && block.getHeaders().isEmpty()) {
                certificate(block).ifPresent(out::add);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + " holds no PEM certificate that can be parsed");
        }
        return out;
    }

    /**
     * The client certificate chain in {@code certPem} and the private key in {@code keyPem}, checked to belong
     * together.
     */
    public static RegistryTls.ClientIdentity clientIdentity(byte[] certPem, String certWhat, byte[] keyPem,
            String keyWhat) {
        List<X509Certificate> chain = new ArrayList<>();
        for (PemObject block : blocks(certPem, certWhat)) {
            if ("CERTIFICATE".equals(block.getType())) {
                // tls.X509KeyPair fails on a certificate it cannot parse, rather than skipping it.
                chain.add(certificate(block).orElseThrow(() -> new IllegalArgumentException(certWhat
                        + " holds a CERTIFICATE block that is not an X.509 certificate")));
            }
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(certWhat + " holds no PEM certificate");
        }
        PemObject keyBlock = blocks(keyPem, keyWhat).stream()
                .filter(b -> b.getType().equals("PRIVATE KEY") || b.getType().endsWith(" PRIVATE KEY")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(keyWhat + " holds no PEM private key"));
        if (!keyBlock.getHeaders().isEmpty()) {
            throw new IllegalArgumentException(keyWhat + " holds an encrypted private key, which cannot be used");
        }
        PrivateKey key = privateKey(keyBlock.getContent(), keyWhat);
        if (!belongsTo(key, chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException(keyWhat + " is not the private key of the first certificate in "
                    + certWhat);
        }
        return new RegistryTls.ClientIdentity(key, chain);
    }

    private static List<PemObject> blocks(byte[] pem, String what) {
        if (pem.length > MAX_BYTES) {
            throw new IllegalArgumentException(what + " is larger than " + MAX_BYTES + " bytes");
        }
        List<PemObject> out = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            for (PemObject block; out.size() <= MAX_CERTIFICATES && (block = reader.readPemObject()) != null; ) {
                out.add(block);
            }
        } catch (IOException | RuntimeException e) {
            // The parser's own message may quote the offending line, which may be part of a key.
            throw new IllegalArgumentException(what + " is not valid PEM");
        }
        if (out.size() > MAX_CERTIFICATES) {
            throw new IllegalArgumentException(what + " holds more than " + MAX_CERTIFICATES + " PEM blocks");
        }
        return out;
    }

    private static java.util.Optional<X509Certificate> certificate(PemObject block) {
        try {
            return java.util.Optional.of((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(block.getContent())));
        } catch (GeneralSecurityException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** As Go's {@code parsePrivateKey}: PKCS#1, PKCS#8 and SEC 1 are tried whatever the block's label says. */
    private static PrivateKey privateKey(byte[] der, String what) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        List<KeyForm> forms = List.of(
                () -> new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                        RSAPrivateKey.getInstance(der)),
                () -> PrivateKeyInfo.getInstance(der),
                () -> {
                    ECPrivateKey ec = ECPrivateKey.getInstance(der);
                    return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                            ec.getParametersObject()), ec);
                });
        for (var form : forms) {
            try {
                return converter.getPrivateKey(form.get());
            } catch (IOException | RuntimeException e) {
                // not this form; try the next
            }
        }
        throw new IllegalArgumentException(what + " is not a PKCS#1, PKCS#8 or SEC 1 private key");
    }

    /** One DER encoding of a private key, read as PKCS#8's structure. */
    private interface KeyForm {
        PrivateKeyInfo get() throws IOException;
    }

    /** Whether {@code key} signs what {@code publicKey} verifies: one check for every key type. */
    private static boolean belongsTo(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return false;
        }
        // A public key of another type fails initVerify, which is a mismatch too.
        try {
            byte[] probe = "fleetwarden: does this key belong to this certificate".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
