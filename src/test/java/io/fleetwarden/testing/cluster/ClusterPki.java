package io.fleetwarden.testing.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
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
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificates of a test control plane, made fresh for every start (nothing is reused across runs):
 * one CA that signs the API server's serving certificate (SANs {@code 127.0.0.1} and {@code localhost})
 * and the client certificates the API server accepts through {@code --client-ca-file}; the user of a
 * client certificate is its CN, its groups are its O entries, as in every kubeadm cluster.
 */
public final class ClusterPki {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair caKeys;
    private final X509Certificate ca;

    /** A certificate and its private key, PEM-encoded. */
    public record Credential(String certificatePem, String keyPem) {
    }

    private ClusterPki(KeyPair caKeys, X509Certificate ca) {
        this.caKeys = caKeys;
        this.ca = ca;
    }

    public static ClusterPki create() {
        try {
            KeyPair keys = ecKeys();
            var name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "fleetwarden-test-cluster-ca").build();
            X509v3CertificateBuilder builder = builder(name, name, keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new ClusterPki(keys, sign(builder, keys));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the test cluster's CA", e);
        }
    }

    public String caPem() {
        return pem("CERTIFICATE", encoded(ca));
    }

    /** The API server's serving certificate, valid for the loopback URLs clients and webhooks use. */
    public Credential apiServerServing() {
        return issue("kube-apiserver", List.of(), KeyPurposeId.id_kp_serverAuth, true);
    }

    /** A client certificate for {@code user} in {@code groups} ({@code system:masters} makes an admin). */
    public Credential client(String user, String... groups) {
        return issue(user, List.of(groups), KeyPurposeId.id_kp_clientAuth, false);
    }

    /** A fresh EC key pair in PEM (the API server signs service account tokens with it): [public, private]. */
    public static String[] serviceAccountSigningKey() {
        try {
            KeyPair keys = ecKeys();
            return new String[] { pem("PUBLIC KEY", keys.getPublic().getEncoded()),
                    pem("PRIVATE KEY", keys.getPrivate().getEncoded()) };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code pem} to {@code file}, readable by the owner only (the components refuse nothing else, but keys are keys). */
    public static Path write(Path file, String pem) {
        try {
            return Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Credential issue(String commonName, List<String> organisations, KeyPurposeId purpose, boolean loopbackSans) {
        try {
            KeyPair keys = ecKeys();
            var subject = new X500NameBuilder(BCStyle.INSTANCE);
            for (String o : organisations) {
                subject.addRDN(BCStyle.O, o);
            }
            subject.addRDN(BCStyle.CN, commonName);
            X509v3CertificateBuilder builder = builder(
                    new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "fleetwarden-test-cluster-ca").build(),
                    subject.build(), keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (loopbackSans) {
                List<GeneralName> sans = new ArrayList<>();
                sans.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
                sans.add(new GeneralName(GeneralName.dNSName, "localhost"));
                builder.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(sans.toArray(GeneralName[]::new)));
            }
            X509Certificate certificate = sign(builder, caKeys);
            // SEC1 ("EC PRIVATE KEY"), the form kubeadm writes: fabric8's kubeconfig reader refuses PKCS#8 EC keys.
            // The curve goes inside the SEC1 structure (PKCS#8 carries it outside): Go needs it there.
            var pkcs8 = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
            var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(pkcs8.parsePrivateKey());
            byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), inner.getPublicKey(),
                    pkcs8.getPrivateKeyAlgorithm().getParameters()).getEncoded();
            return new Credential(pem("CERTIFICATE", encoded(certificate)), pem("EC PRIVATE KEY", sec1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a test cluster certificate for " + commonName, e);
        }
    }

    private static X509v3CertificateBuilder builder(org.bouncycastle.asn1.x500.X500Name issuer,
            org.bouncycastle.asn1.x500.X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(7))), subject,
                keys.getPublic());
    }

    /** Signs with ECDSA over SHA-256, as every test certificate here is signed. */
    public static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    /** A fresh P-256 key pair. */
    public static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM text of {@code der} under {@code type} (64-column base64). */
    public static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
