package io.fleetwarden.verify.cosign;

import dev.sigstore.encryption.certificates.Certificates;
import dev.sigstore.fulcio.client.FulcioVerificationException;
import io.fleetwarden.verify.Check;
import java.io.IOException;
import java.security.cert.CertPath;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Chain and SCT of a Fulcio signing certificate (a legacy signature's, or a keyless DSSE bundle's), by
 * sigstore-java's {@code FulcioVerifier} (PKIX at the certificate's notBefore against the trusted root's CAs,
 * then an embedded SCT from a trusted CT log).
 *
 * <p>The presented intermediates (the {@code dev.sigstore.cosign/chain} annotation, or a bundle's
 * {@code x509CertificateChain}) come from the same untrusted source as the signature, so they never decide
 * trust: first the leaf alone is validated against the CA paths of the trusted root (which carry their
 * intermediates); only if that fails are the presented certificates used as untrusted intermediates, cut at the
 * trusted root's CA path ({@code trimTrustedParent}), so that a root CA that lists only its root certificate
 * still works. Either way PKIX ends at a trust anchor of the trusted root.
 */
final class FulcioChain {

    private FulcioChain() {
    }

    static void verify(LoadedRoot root, X509Certificate leaf, List<X509Certificate> chain, Failures f) {
        if (root.chains().contains(leaf, chain)) {
            return; // this exact leaf and chain passed against this root before (see VerifiedChains)
        }
        if (verifies(root, leaf, chain, f)) {
            root.chains().add(leaf, chain);
        }
    }

    private static boolean verifies(LoadedRoot root, X509Certificate leaf, List<X509Certificate> chain, Failures f) {
        Exception leafOnly;
        // The same checks, with the ECDSA arithmetic of each certificate's signature in fixed-curve code (see
        // FixedCurveCertificate): the JDK's P-384 was a third of the CPU of verifying a new artifact.
        X509Certificate fastLeaf = FixedCurveCertificate.of(leaf);
        try {
            root.fulcio().verifySigningCertificate(Certificates.toCertPath(fastLeaf));
            return true;
        } catch (FulcioVerificationException | IOException | CertificateException | RuntimeException e) {
            leafOnly = e;
        }
        Exception failure = leafOnly;
        if (!chain.isEmpty() && !isSctFailure(leafOnly)) {
            try {
                List<Certificate> full = new ArrayList<>();
                full.add(fastLeaf);
                full.addAll(FixedCurveCertificate.of(chain));
                CertPath trimmed = root.fulcio().trimTrustedParent(Certificates.toCertPath(full));
                root.fulcio().verifySigningCertificate(trimmed);
                return true;
            } catch (FulcioVerificationException | IOException | CertificateException | RuntimeException e) {
                failure = isSctFailure(e) ? e : leafOnly;
            }
        }
        String detail = SigstoreErrors.detail(failure);
        if (isSctFailure(failure)) {
            f.add(Check.SCT, "the certificate has no valid SCT from a CT log of the trusted root (sigstore-java: "
                    + detail + ")");
        } else {
            f.add(Check.CERTIFICATE_CHAIN, "the certificate does not chain to a Fulcio CA of the trusted root "
                    + "(sigstore-java: " + detail + ")");
        }
        return false;
    }

    private static boolean isSctFailure(Exception e) {
        return String.valueOf(e.getMessage()).contains("SCT");
    }
}
