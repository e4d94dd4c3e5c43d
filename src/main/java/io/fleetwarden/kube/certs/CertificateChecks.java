package io.fleetwarden.kube.certs;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The questions asked of a stored certificate before it is kept: valid, due, ours, for the right names. */
final class CertificateChecks {

    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateChecks() {
    }

    static boolean validAt(X509Certificate certificate, Instant now) {
        return !now.isBefore(certificate.getNotBefore().toInstant()) && now.isBefore(certificate.getNotAfter().toInstant());
    }

    /**
     * Due once less than a third of the certificate's own life is left (cert-manager's default rule). Measured
     * on the certificate rather than on configured lifetimes, so a change of lifetime never makes every
     * existing certificate look due or never due; a certificate that is not valid now is always due.
     */
    static boolean renewalDue(X509Certificate certificate, Instant now) {
        if (!validAt(certificate, now)) {
            return true;
        }
        Instant notBefore = certificate.getNotBefore().toInstant();
        Instant notAfter = certificate.getNotAfter().toInstant();
        Duration life = Duration.between(notBefore, notAfter);
        return Duration.between(now, notAfter).compareTo(life.dividedBy(3)) < 0;
    }

    static boolean issuedBy(X509Certificate certificate, X509Certificate ca) {
        if (!certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Proof of possession: a key that does not sign for the certificate would fail every handshake. */
    static boolean keyMatches(X509Certificate certificate, PrivateKey key) {
        try {
            byte[] challenge = new byte[32];
            RANDOM.nextBytes(challenge);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static Set<String> dnsNames(X509Certificate certificate) {
        return alternativeNames(certificate, 2);
    }

    /** The iPAddress SANs, in {@code InetAddress.getHostAddress()} form (what the JDK's parser produces). */
    static Set<String> ipAddresses(X509Certificate certificate) {
        return alternativeNames(certificate, 7);
    }

    private static Set<String> alternativeNames(X509Certificate certificate, int type) {
        Set<String> names = new TreeSet<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (Integer.valueOf(type).equals(alternative.get(0))) {
                        names.add((String) alternative.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return Set.of();
        }
        return names;
    }
}
