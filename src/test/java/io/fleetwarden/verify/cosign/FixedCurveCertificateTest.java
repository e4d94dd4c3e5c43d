package io.fleetwarden.verify.cosign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.testing.sigstore.LocalSigstore;
import java.io.ByteArrayInputStream;
import java.security.SignatureException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The JDK's PKIX over a {@link FixedCurveCertificate} decides exactly as over the certificate itself (a
 * differential over valid, wrongly issued and tampered certificates), with the P-384 signature checked by the
 * fixed-curve code.
 */
class FixedCurveCertificateTest {

    private static final LocalSigstore SIGSTORE = LocalSigstore.create();
    private static final LocalSigstore OTHER = LocalSigstore.create();

    @Test
    void pkixAcceptsTheIntermediateItsRootSignedAsTheJdkDoes() throws Exception {
        X509Certificate intermediate = SIGSTORE.intermediateCertificate();
        assertThat(KeySignatures.fixedCurve(intermediate, SIGSTORE.rootCertificate().getPublicKey()))
                .as("a P-384 SHA-384 link takes the fixed-curve path").isTrue();
        validate(intermediate, SIGSTORE.rootCertificate());
        validate(FixedCurveCertificate.of(intermediate), SIGSTORE.rootCertificate());
    }

    @Test
    void pkixRefusesAnIntermediateAnotherRootSignedAsTheJdkDoes() throws Exception {
        X509Certificate foreign = OTHER.intermediateCertificate();
        // Same names (both local Sigstores name their CAs alike), another key.
        assertThat(foreign.getIssuerX500Principal()).isEqualTo(SIGSTORE.rootCertificate().getSubjectX500Principal());
        CertPathValidatorException jdk = refusal(() -> validate(foreign, SIGSTORE.rootCertificate()));
        CertPathValidatorException fixed = refusal(() -> validate(FixedCurveCertificate.of(foreign),
                SIGSTORE.rootCertificate()));
        assertThat(fixed.getReason()).isEqualTo(jdk.getReason());
        // The link itself, as PKIX would ask it had the names matched a trust anchor.
        assertThatThrownBy(() -> FixedCurveCertificate.of(foreign).verify(SIGSTORE.rootCertificate().getPublicKey(),
                (String) null)).isInstanceOf(SignatureException.class);
        FixedCurveCertificate.of(foreign).verify(OTHER.rootCertificate().getPublicKey(), (String) null);
    }

    private static CertPathValidatorException refusal(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(t).isInstanceOf(CertPathValidatorException.class);
        return (CertPathValidatorException) t;
    }

    @Test
    void aTamperedSignatureIsRefusedAsTheJdkRefusesIt() throws Exception {
        X509Certificate tampered = tamperedSignature(SIGSTORE.intermediateCertificate());
        assertInvalidSignature(() -> validate(tampered, SIGSTORE.rootCertificate()));
        assertInvalidSignature(() -> validate(FixedCurveCertificate.of(tampered), SIGSTORE.rootCertificate()));
        assertThatThrownBy(() -> FixedCurveCertificate.of(tampered).verify(SIGSTORE.rootCertificate().getPublicKey()))
                .isInstanceOf(SignatureException.class);
    }

    @Test
    void everythingPkixReadsIsTheWrappedCertificates() throws Exception {
        X509Certificate intermediate = SIGSTORE.intermediateCertificate();
        X509Certificate wrapped = FixedCurveCertificate.of(intermediate);
        assertThat(wrapped.getEncoded()).isEqualTo(intermediate.getEncoded());
        assertThat(wrapped).isEqualTo(intermediate);
        assertThat(intermediate).isEqualTo(wrapped);
        assertThat(wrapped.hashCode()).isEqualTo(intermediate.hashCode());
        assertThat(wrapped.getBasicConstraints()).isEqualTo(intermediate.getBasicConstraints());
        assertThat(wrapped.getKeyUsage()).isEqualTo(intermediate.getKeyUsage());
        assertThat(wrapped.getCriticalExtensionOIDs()).isEqualTo(intermediate.getCriticalExtensionOIDs());
        assertThat(FixedCurveCertificate.of(wrapped)).isSameAs(wrapped);
    }

    private static void validate(X509Certificate cert, X509Certificate root) throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        parameters.setDate(cert.getNotBefore());
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), parameters);
    }

    private static void assertInvalidSignature(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CertPathValidatorException.class,
                e -> assertThat(e.getReason()).isEqualTo(CertPathValidatorException.BasicReason.INVALID_SIGNATURE));
    }

    /** The same certificate with the last byte of its signature's s changed: still DER, a different signature. */
    private static X509Certificate tamperedSignature(X509Certificate cert) throws Exception {
        byte[] der = cert.getEncoded();
        der[der.length - 1] ^= 0x01;
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    }
}
