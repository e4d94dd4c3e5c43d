package io.fleetwarden.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private CA for registries in tests, as a company runs one: server certificates for a registry's address,
 * client certificates for mutual TLS, and the PEM forms a Secret may carry them in (PKCS#8, and the PKCS#1 and
 * SEC 1 forms {@code openssl} and cert-manager also write).
 */
public final class RegistryPki {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;
    private final KeyPair keys;
    private final X509Certificate certificate;

    /** A certificate and its key. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
        /** PEM of the certificate. */
        public String certificatePem() {
            return RegistryPki.pem(certificate);
        }

        /** The key as PKCS#8 ({@code PRIVATE KEY}). */
        public String pkcs8KeyPem() {
            try {
                return pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
            } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * The key in its type's own form: PKCS#1 ({@code RSA PRIVATE KEY}) or SEC 1 ({@code EC PRIVATE KEY}, with
         * its curve inside, as {@code openssl ec} writes it: the JDK's PKCS#8 keeps the curve outside only).
         */
        public String traditionalKeyPem() {
            if (!(key instanceof java.security.interfaces.ECPrivateKey ec)) {
                return pem(key);
            }
            try {
                var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
                var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ec.getS(), null,
                        info.getPrivateKeyAlgorithm().getParameters());
                return pem(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private RegistryPki(String name, KeyPair keys, X509Certificate certificate) {
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    public static RegistryPki create(String name) {
        KeyPair keys = keys("EC");
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder builder = builder(subject, subject, keys);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RegistryPki(name, keys, sign(builder, keys.getPrivate()));
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String certificatePem() {
        return pem(certificate);
    }

    /** A serving certificate for these IP addresses (no DNS name), with an EC key. */
    public Issued server(List<String> ipAddresses) {
        return issue("registry", "EC", KeyPurposeId.id_kp_serverAuth, ipAddresses.stream()
                .map(ip -> new GeneralName(GeneralName.iPAddress, ip)).toArray(GeneralName[]::new));
    }

    /** A serving certificate for a DNS name only. */
    public Issued serverNamed(String dnsName) {
        return issue(dnsName, "EC", KeyPurposeId.id_kp_serverAuth,
                new GeneralName[] { new GeneralName(GeneralName.dNSName, dnsName) });
    }

    /** A client certificate for mutual TLS; {@code keyType} {@code EC}, {@code RSA} or {@code Ed25519}. */
    public Issued client(String commonName, String keyType) {
        return issue(commonName, keyType, KeyPurposeId.id_kp_clientAuth, null);
    }

    private Issued issue(String commonName, String keyType, KeyPurposeId purpose, GeneralName[] names) {
        KeyPair issued = keys(keyType);
        X509v3CertificateBuilder builder = builder(new X500Name("CN=" + name), new X500Name("CN=" + commonName), issued);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (names != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Issued(sign(builder, keys.getPrivate()), issued.getPrivate());
    }

    /** Writes {@code pem} to a fresh file (deleted when the JVM exits). */
    public static Path write(String pem, String suffix) {
        try {
            Path file = Files.createTempFile("fleetwarden-pki-", suffix);
            file.toFile().deleteOnExit();
            return Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keys(String type) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
            if (type.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else if (type.equals("RSA")) {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
