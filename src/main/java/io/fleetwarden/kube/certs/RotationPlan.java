package io.fleetwarden.kube.certs;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The pure decision of one certificate pass: from what is stored, what must be stored. Nothing is rewritten
 * that is still good.
 *
 * <p>CA rotation timeline (one CA lifetime L, overlap O): at L/3 before the CA's expiry a successor is
 * generated and only added to {@code caBundle}; after O (and once every webhook is seen to trust it) it
 * becomes the signing CA and the serving certificate is reissued from it, the old CA staying in
 * {@code caBundle} for another O, time for the kubelet to put the new certificate in every replica and
 * for {@code ServingTls} to load it; then the old CA is dropped. At every instant, every certificate a
 * replica may serve chains to a CA in {@code caBundle}. A serving certificate is reissued (same CA, no
 * trust change needed) once a third of its life is left, or when it is unusable or for other names or IP addresses.
 */
public record RotationPlan(CaState ca, boolean caChanged, CertificateAuthority.Issued serving, boolean servingChanged,
        List<String> reasons) {

    static final String CA_NAME = "fleetwarden webhook CA";

    /**
     * @param stored the CA Secret's state, null when missing or unusable
     * @param serving the serving Secret's pair, null when missing or unusable
     * @param servingIssuer the serving Secret's {@code ca.crt}, kept trusted if the CA is replaced outright
     * @param nextTrusted whether every webhook's {@code caBundle} already holds {@code stored.next()}
     */
    static RotationPlan decide(CaState stored, CertificateAuthority.Issued serving, X509Certificate servingIssuer,
            boolean nextTrusted, Instant now, CertificateSettings settings) {
        List<String> reasons = new ArrayList<>();
        CaState ca = stored;
        if (ca == null || !CertificateChecks.validAt(ca.current().certificate(), now)) {
            reasons.add(ca == null ? "no usable CA" : "the CA is not valid now");
            ca = CaState.of(CertificateAuthority.generate(CA_NAME, now, settings.caLifetime()));
            // Whatever replicas serve now keeps working until the kubelet delivers the new certificate.
            if (serving != null && servingIssuer != null && CertificateChecks.validAt(serving.certificate(), now)
                    && CertificateChecks.issuedBy(serving.certificate(), servingIssuer)) {
                ca = new CaState(ca.current(), null, null, servingIssuer, now.plus(settings.overlap()));
            }
        } else {
            if (ca.next() != null && !CertificateChecks.validAt(ca.next().certificate(), now)) {
                reasons.add("the incoming CA is not valid now");
                ca = ca.withoutNext();
            }
            if (ca.next() != null && nextTrusted && !now.isBefore(ca.nextSince().plus(settings.overlap()))) {
                reasons.add("the incoming CA has been trusted for the overlap and now signs");
                ca = ca.promoted(now.plus(settings.overlap()));
            } else if (ca.next() == null && CertificateChecks.renewalDue(ca.current().certificate(), now)) {
                reasons.add("the CA has less than a third of its life left: a successor is introduced");
                ca = ca.withNext(CertificateAuthority.generate(CA_NAME, now, settings.caLifetime()), now);
            }
            if (ca.previous() != null && (!now.isBefore(ca.previousUntil()) || !CertificateChecks.validAt(ca.previous(), now))) {
                reasons.add("the outgoing CA's overlap is over");
                ca = ca.withoutPrevious();
            }
        }
        String servingProblem = servingProblem(serving, ca.current(), now, settings);
        CertificateAuthority.Issued next = serving;
        if (servingProblem != null) {
            reasons.add(servingProblem);
            next = ca.current().issueServing(settings.dnsNames(), settings.ipAddresses(), now, settings.servingLifetime());
        }
        return new RotationPlan(ca, !ca.equals(stored), next, next != serving, List.copyOf(reasons));
    }

    private static String servingProblem(CertificateAuthority.Issued serving, CertificateAuthority ca, Instant now,
            CertificateSettings settings) {
        if (serving == null) {
            return "no usable serving certificate";
        }
        if (!CertificateChecks.issuedBy(serving.certificate(), ca.certificate())) {
            return "the serving certificate is not issued by the signing CA";
        }
        if (!CertificateChecks.dnsNames(serving.certificate()).equals(new TreeSet<>(settings.dnsNames()))) {
            return "the serving certificate is for other names than " + settings.dnsNames();
        }
        // Exact, both ways: an address removed from the settings must stop being served too.
        if (!CertificateChecks.ipAddresses(serving.certificate()).equals(new TreeSet<>(settings.ipAddresses()))) {
            return "the serving certificate is for other IP addresses than " + settings.ipAddresses();
        }
        if (CertificateChecks.renewalDue(serving.certificate(), now)) {
            return "the serving certificate has less than a third of its life left";
        }
        return CertificateChecks.keyMatches(serving.certificate(), serving.key()) ? null
                : "the serving key does not belong to the serving certificate";
    }
}
