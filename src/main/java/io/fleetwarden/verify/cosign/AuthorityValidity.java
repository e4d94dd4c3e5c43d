package io.fleetwarden.verify.cosign;

import dev.sigstore.trustroot.CertificateAuthority;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import dev.sigstore.trustroot.TransparencyLog;
import dev.sigstore.trustroot.ValidFor;
import io.fleetwarden.verify.Check;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The signing time must fall within the validity windows the trusted root gives its authorities. sigstore-java
 * 2.0.0 checks the Fulcio CA only at the certificate's notBefore and never checks the Rekor and CT log windows
 * against the signing time, so a key the root retired (its {@code validFor.end} passed) would still vouch for
 * new signatures. Checked here: the CA that issued the chain, the Rekor log of the entry and at least one CT log
 * of an embedded SCT must all be valid at every trusted signing time (integrated time, RFC 3161 times).
 */
final class AuthorityValidity {

    private AuthorityValidity() {
    }

    /**
     * @param chain  the presented certificates, leaf first (only used to find the issuing CA); null for keys
     * @param logId  the Rekor log id of the entry, or null
     */
    static void check(SigstoreTrustedRoot root, List<X509Certificate> chain, byte[] logId, List<Instant> times,
            Failures failures) {
        if (times.isEmpty()) {
            return;
        }
        if (chain != null && !chain.isEmpty()) {
            checkCa(root, chain, times, failures);
            checkCtLogs(root, chain.get(0), times, failures);
        }
        if (logId != null) {
            Optional<TransparencyLog> log = TransparencyLog.find(root.getTLogs(), logId);
            if (log.isPresent()) {
                ValidFor window = log.get().getPublicKey().getValidFor();
                for (Instant t : times) {
                    if (!window.contains(t)) {
                        failures.add(Check.AUTHORITY_VALIDITY, "signing time " + t + " is outside the validity of "
                                + "the transparency log " + log.get().getBaseUrl() + " " + describe(window));
                    }
                }
            }
        }
    }

    private static void checkCa(SigstoreTrustedRoot root, List<X509Certificate> chain, List<Instant> times,
            Failures failures) {
        List<CertificateAuthority> issuers = new ArrayList<>();
        for (CertificateAuthority ca : root.getCAs()) {
            if (issued(ca, chain)) {
                issuers.add(ca);
            }
        }
        if (issuers.isEmpty()) {
            failures.add(Check.AUTHORITY_VALIDITY, "no certificate authority of the trusted root issued the certificate");
            return;
        }
        for (Instant t : times) {
            if (issuers.stream().noneMatch(ca -> ca.getValidFor().contains(t))) {
                failures.add(Check.AUTHORITY_VALIDITY, "signing time " + t + " is outside the validity of the "
                        + "certificate authority " + issuers.get(0).getUri() + " " + describe(issuers.get(0).getValidFor()));
            }
        }
    }

    /** The CA issued the chain when one of its certificates is in the chain or signed a chain certificate. */
    private static boolean issued(CertificateAuthority ca, List<X509Certificate> chain) {
        List<? extends Certificate> caCerts = ca.getCertPath().getCertificates();
        if (caCerts.isEmpty()) {
            return false;
        }
        X509Certificate caTop = (X509Certificate) caCerts.get(0);
        for (X509Certificate cert : chain) {
            for (Certificate c : caCerts) {
                if (c.equals(cert)) {
                    return true;
                }
            }
            if (cert.getIssuerX500Principal().equals(caTop.getSubjectX500Principal())) {
                if (KeySignatures.signedBy(cert, caTop)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void checkCtLogs(SigstoreTrustedRoot root, X509Certificate leaf, List<Instant> times,
            Failures failures) {
        Set<String> sctLogs = SctLogIds.of(leaf);
        List<TransparencyLog> used = root.getCTLogs().stream()
                .filter(l -> sctLogs.contains(Arrays.toString(l.getLogId().getKeyId()))).toList();
        if (used.isEmpty()) {
            return; // the SCT check itself reports a certificate without a trusted SCT
        }
        for (Instant t : times) {
            if (used.stream().noneMatch(l -> l.getPublicKey().getValidFor().contains(t))) {
                failures.add(Check.AUTHORITY_VALIDITY, "signing time " + t + " is outside the validity of every CT "
                        + "log that issued an SCT for the certificate (" + used.get(0).getBaseUrl() + " "
                        + describe(used.get(0).getPublicKey().getValidFor()) + ")");
            }
        }
    }

    static String describe(ValidFor window) {
        return "(valid from " + window.getStart() + window.getEnd().map(e -> " to " + e).orElse("") + ")";
    }
}
