package io.fleetwarden.verify.cosign;

import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Principal;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SignatureException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * A parsed certificate, unchanged, whose signature is checked with {@link KeySignatures#signedWith} when the JDK's
 * PKIX validation asks ({@code BasicChecker} calls {@link #verify(PublicKey)} on each certificate of the path).
 *
 * <p>Why: sigstore-java's {@code FulcioVerifier} validates the chain with the JDK's PKIX, which verifies the leaf's
 * ECDSA P-384 signature (Fulcio's CAs are P-384) with SunEC's generic field arithmetic on JDK 17: at 1,000 new
 * artifacts it was a third of the OCIRepository workers' CPU. Every PKIX check still runs exactly as before
 * (validity at the given date, name chaining, basic constraints, key usage, critical extensions, the trust anchor,
 * algorithm constraints), and {@code BasicChecker} still calls {@code verify(key, null)} for each signature; only the ECDSA arithmetic of a P-384/SHA-384 or P-256/SHA-256 signature is
 * BouncyCastle's fixed-curve code, the same strict DER decoding and point validation {@link KeySignatures} uses
 * for every other ECDSA check. Any other algorithm or key is verified by the certificate itself (the JDK).
 *
 * <p>Every other method answers from the wrapped certificate, so what PKIX reads is what was parsed.
 */
final class FixedCurveCertificate extends X509Certificate {

    private final X509Certificate cert;

    private FixedCurveCertificate(X509Certificate cert) {
        this.cert = cert;
    }

    static X509Certificate of(X509Certificate cert) {
        return cert instanceof FixedCurveCertificate ? cert : new FixedCurveCertificate(cert);
    }

    static List<X509Certificate> of(List<X509Certificate> certs) {
        return certs.stream().map(FixedCurveCertificate::of).toList();
    }

    @Override
    public void verify(PublicKey key) throws CertificateException, NoSuchAlgorithmException, InvalidKeyException,
            NoSuchProviderException, SignatureException {
        if (!KeySignatures.fixedCurve(cert, key)) {
            cert.verify(key);
        } else if (!KeySignatures.signedWith(cert, key)) {
            throw new SignatureException("Signature does not match.");
        }
    }

    @Override
    public void verify(PublicKey key, String sigProvider) throws CertificateException, NoSuchAlgorithmException,
            InvalidKeyException, NoSuchProviderException, SignatureException {
        // The JDK's PKIX (BasicChecker) calls this one, with null for "no provider chosen": ours. A named provider
        // is an explicit choice of implementation, honoured as asked.
        if (sigProvider == null) {
            verify(key);
        } else {
            cert.verify(key, sigProvider);
        }
    }

    @Override
    public void verify(PublicKey key, Provider sigProvider) throws CertificateException, NoSuchAlgorithmException,
            InvalidKeyException, SignatureException {
        cert.verify(key, sigProvider);
    }

    @Override
    public byte[] getEncoded() throws CertificateEncodingException {
        return cert.getEncoded();
    }

    @Override
    public PublicKey getPublicKey() {
        return cert.getPublicKey();
    }

    @Override
    public String toString() {
        return cert.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FixedCurveCertificate f ? cert.equals(f.cert) : cert.equals(other);
    }

    @Override
    public int hashCode() {
        return cert.hashCode();
    }

    @Override
    public void checkValidity() throws CertificateExpiredException, CertificateNotYetValidException {
        cert.checkValidity();
    }

    @Override
    public void checkValidity(Date date) throws CertificateExpiredException, CertificateNotYetValidException {
        cert.checkValidity(date);
    }

    @Override
    public int getVersion() {
        return cert.getVersion();
    }

    @Override
    public BigInteger getSerialNumber() {
        return cert.getSerialNumber();
    }

    @Override
    @SuppressWarnings("deprecation")
    public Principal getIssuerDN() {
        return cert.getIssuerDN();
    }

    @Override
    public X500Principal getIssuerX500Principal() {
        return cert.getIssuerX500Principal();
    }

    @Override
    @SuppressWarnings("deprecation")
    public Principal getSubjectDN() {
        return cert.getSubjectDN();
    }

    @Override
    public X500Principal getSubjectX500Principal() {
        return cert.getSubjectX500Principal();
    }

    @Override
    public Date getNotBefore() {
        return cert.getNotBefore();
    }

    @Override
    public Date getNotAfter() {
        return cert.getNotAfter();
    }

    @Override
    public byte[] getTBSCertificate() throws CertificateEncodingException {
        return cert.getTBSCertificate();
    }

    @Override
    public byte[] getSignature() {
        return cert.getSignature();
    }

    @Override
    public String getSigAlgName() {
        return cert.getSigAlgName();
    }

    @Override
    public String getSigAlgOID() {
        return cert.getSigAlgOID();
    }

    @Override
    public byte[] getSigAlgParams() {
        return cert.getSigAlgParams();
    }

    @Override
    public boolean[] getIssuerUniqueID() {
        return cert.getIssuerUniqueID();
    }

    @Override
    public boolean[] getSubjectUniqueID() {
        return cert.getSubjectUniqueID();
    }

    @Override
    public boolean[] getKeyUsage() {
        return cert.getKeyUsage();
    }

    @Override
    public List<String> getExtendedKeyUsage() throws CertificateParsingException {
        return cert.getExtendedKeyUsage();
    }

    @Override
    public int getBasicConstraints() {
        return cert.getBasicConstraints();
    }

    @Override
    public Collection<List<?>> getSubjectAlternativeNames() throws CertificateParsingException {
        return cert.getSubjectAlternativeNames();
    }

    @Override
    public Collection<List<?>> getIssuerAlternativeNames() throws CertificateParsingException {
        return cert.getIssuerAlternativeNames();
    }

    @Override
    public boolean hasUnsupportedCriticalExtension() {
        return cert.hasUnsupportedCriticalExtension();
    }

    @Override
    public Set<String> getCriticalExtensionOIDs() {
        return cert.getCriticalExtensionOIDs();
    }

    @Override
    public Set<String> getNonCriticalExtensionOIDs() {
        return cert.getNonCriticalExtensionOIDs();
    }

    @Override
    public byte[] getExtensionValue(String oid) {
        return cert.getExtensionValue(oid);
    }
}
