package io.fleetwarden.testing.sigstore;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A Fulcio-like CA: a self-signed P-384 root and a P-384 intermediate (ECDSA with SHA-384, as sigstore.dev's), issuing short-lived code-signing leaves with
 * an empty subject, one critical SAN, the Sigstore OIDC extensions and an embedded SCT — the shape of a real
 * Fulcio certificate, so that sigstore-java's PKIX and SCT checks run unmodified.
 */
final class FulcioCa {

    private static final JcaX509CertificateConverter CONVERTER = new JcaX509CertificateConverter();

    private final KeyPair rootKey;
    private final KeyPair intermediateKey;
    private final X509Certificate root;
    private final X509Certificate intermediate;
    private final byte[] issuerKeyHash;

    FulcioCa(String organization, String name, Instant notBefore, Instant notAfter) {
        // P-384 root and intermediate signing with SHA-384, as Fulcio's; leaves stay P-256 (the client's key).
        rootKey = Crypto.newP384KeyPair();
        intermediateKey = Crypto.newP384KeyPair();
        X500Name rootName = new X500Name("O=" + organization + ",CN=" + name);
        X500Name intermediateName = new X500Name("O=" + organization + ",CN=" + name + "-intermediate");
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder r = new JcaX509v3CertificateBuilder(rootName, serial(), Date.from(notBefore),
                    Date.from(notAfter), rootName, rootKey.getPublic());
            r.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            r.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
            r.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(rootKey.getPublic()));
            root = convert(r.build(signer(rootKey.getPrivate())));

            X509v3CertificateBuilder i = new JcaX509v3CertificateBuilder(root, serial(), Date.from(notBefore),
                    Date.from(notAfter), intermediateName, intermediateKey.getPublic());
            i.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            i.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
            i.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            i.addExtension(Extension.subjectKeyIdentifier, false,
                    utils.createSubjectKeyIdentifier(intermediateKey.getPublic()));
            i.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(root));
            intermediate = convert(i.build(signer(rootKey.getPrivate())));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("could not create the local CA: " + e.getMessage(), e);
        }
        issuerKeyHash = Crypto.sha256(intermediate.getPublicKey().getEncoded());
    }

    X509Certificate root() {
        return root;
    }

    X509Certificate intermediate() {
        return intermediate;
    }

    /** intermediate then root: the order of cosign's chain annotation and of the trusted root's certChain. */
    List<X509Certificate> chain() {
        return List.of(intermediate, root);
    }

    /**
     * Issues a leaf for {@code leafKey}. The SCT is produced the RFC 6962 way: build the certificate without the
     * SCT extension, have {@code ctLog} sign that TBS (the precert entry), then rebuild with the SCT appended as
     * the last extension — verifiers strip that one extension and must get the precert TBS back byte for byte.
     */
    X509Certificate issue(PublicKey leafKey, Identity identity, Instant notBefore, Instant notAfter, CtLog ctLog) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(intermediate, serial(), Date.from(notBefore),
                    Date.from(notAfter), new X500Name(new RDN[0]), leafKey);
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
            b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(leafKey));
            b.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(intermediate));
            int sanType = identity.sanIsEmail() ? GeneralName.rfc822Name : GeneralName.uniformResourceIdentifier;
            // An empty subject requires a critical SAN (RFC 5280 §4.2.1.6), as Fulcio does.
            b.addExtension(Extension.subjectAlternativeName, true,
                    new GeneralNames(new GeneralName(sanType, identity.subjectAlternativeName())));
            // .1.1 is the deprecated raw-octets issuer, .1.8 its DER successor; Fulcio still writes both.
            b.addExtension(new ASN1ObjectIdentifier(Identity.ARC + "1"), false,
                    identity.issuer().getBytes(StandardCharsets.UTF_8));
            b.addExtension(new ASN1ObjectIdentifier(Identity.ARC + "8"), false, new DERUTF8String(identity.issuer()));
            for (Map.Entry<String, String> e : identity.extensions().entrySet()) {
                b.addExtension(new ASN1ObjectIdentifier(e.getKey()), false, new DERUTF8String(e.getValue()));
            }
            ContentSigner signer = signer(intermediateKey.getPrivate());
            byte[] precertTbs = b.build(new TbsOnly(signer.getAlgorithmIdentifier())).toASN1Structure()
                    .getTBSCertificate().getEncoded();
            byte[] sct = ctLog.precertSct(precertTbs, issuerKeyHash, notBefore.toEpochMilli());
            b.addExtension(new ASN1ObjectIdentifier(CtLog.SCT_LIST_OID), false, CtLog.sctListExtension(sct));
            return convert(b.build(signer));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("could not issue a leaf certificate: " + e.getMessage(), e);
        }
    }

    private static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        return new JcaContentSignerBuilder("SHA384withECDSA").setProvider(Crypto.BC).setSecureRandom(Crypto.RANDOM)
                .build(key);
    }

    /** Builds a certificate only to read its TBS: the precert entry needs no real signature. */
    private record TbsOnly(AlgorithmIdentifier getAlgorithmIdentifier) implements ContentSigner {

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public byte[] getSignature() {
            return new byte[0];
        }
    }

    private static X509Certificate convert(X509CertificateHolder holder) throws GeneralSecurityException {
        return CONVERTER.getCertificate(holder);
    }

    private static BigInteger serial() {
        byte[] bytes = new byte[20];
        Crypto.RANDOM.nextBytes(bytes);
        bytes[0] &= 0x7f; // positive, and at most 20 octets (RFC 5280 §4.1.2.2)
        return new BigInteger(bytes).max(BigInteger.ONE);
    }
}
