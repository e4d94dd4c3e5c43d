package io.fleetwarden.testing.sigstore;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TSPException;
import org.bouncycastle.tsp.TimeStampRequestGenerator;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

/**
 * An RFC 3161 timestamp authority like timestamp.sigstore.dev: a self-signed root and a signing leaf with the
 * critical timeStamping EKU, answering with a granted TimeStampResp whose token embeds the leaf and whose message
 * imprint is the SHA-256 of the stamped bytes (for Sigstore, the signature).
 */
final class TimestampAuthority {

    private static final ASN1ObjectIdentifier POLICY = new ASN1ObjectIdentifier("1.3.6.1.4.1.57264.2");

    private final KeyPair leafKey;
    private final X509Certificate root;
    private final X509Certificate leaf;

    TimestampAuthority(String name, Instant notBefore, Instant notAfter) {
        KeyPair rootKey = Crypto.newP256KeyPair();
        leafKey = Crypto.newP256KeyPair();
        X500Name rootName = new X500Name("O=" + LocalSigstore.ORGANIZATION + ",CN=" + name + "-root");
        try {
            var r = new JcaX509v3CertificateBuilder(rootName, BigInteger.ONE, Date.from(notBefore), Date.from(notAfter),
                    rootName, rootKey.getPublic());
            r.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
            r.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            root = convert(r.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(Crypto.BC)
                    .build(rootKey.getPrivate())));
            var l = new JcaX509v3CertificateBuilder(root, BigInteger.TWO, Date.from(notBefore), Date.from(notAfter),
                    new X500Name("O=" + LocalSigstore.ORGANIZATION + ",CN=" + name), leafKey.getPublic());
            l.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            l.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
            leaf = convert(l.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(Crypto.BC)
                    .build(rootKey.getPrivate())));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("could not create the local TSA: " + e.getMessage(), e);
        }
    }

    /** leaf then root, the order of the trusted root's {@code certChain}. */
    List<X509Certificate> chain() {
        return List.of(leaf, root);
    }

    /** The DER TimeStampResp over {@code stamped} at {@code time}. */
    byte[] stamp(byte[] stamped, Instant time) {
        try {
            var generator = new TimeStampTokenGenerator(new JcaSimpleSignerInfoGeneratorBuilder().setProvider(Crypto.BC)
                    .build("SHA256withECDSA", leafKey.getPrivate(), leaf),
                    new JcaDigestCalculatorProviderBuilder().build()
                            .get(new DefaultDigestAlgorithmIdentifierFinder().find("SHA-256")), POLICY);
            generator.addCertificates(new JcaCertStore(List.of(leaf)));
            var requests = new TimeStampRequestGenerator();
            requests.setCertReq(true);
            var request = requests.generate(TSPAlgorithms.SHA256, Crypto.sha256(stamped),
                    BigInteger.valueOf(Crypto.RANDOM.nextLong() >>> 1));
            return new TimeStampResponseGenerator(generator, TSPAlgorithms.ALLOWED)
                    .generate(request, BigInteger.valueOf(Crypto.RANDOM.nextLong() >>> 1), Date.from(time)).getEncoded();
        } catch (GeneralSecurityException | IOException | OperatorCreationException | TSPException e) {
            throw new IllegalStateException("could not stamp: " + e.getMessage(), e);
        }
    }

    private static X509Certificate convert(org.bouncycastle.cert.X509CertificateHolder holder)
            throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }
}
