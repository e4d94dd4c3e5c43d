package io.fleetwarden.verify.cosign;

import io.fleetwarden.verify.Check;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The verifier's view of "now". A log or TSA cannot have seen a signature after the moment we verify it, so a
 * signing time later than now (beyond a small allowance for clock skew between the log and us) means the
 * evidence is forged or our clock is wrong; either way it is not accepted.
 */
final class SigningTimes {

    static final Duration ALLOWED_SKEW = Duration.ofMinutes(5);

    private final Clock clock;

    SigningTimes(Clock clock) {
        this.clock = clock;
    }

    void checkNotInFuture(List<Instant> times, Failures failures) {
        Instant latest = clock.instant().plus(ALLOWED_SKEW);
        for (Instant t : times) {
            if (t.isAfter(latest)) {
                failures.add(Check.INTEGRATED_TIME, "the signing time " + t + " is in the future (now "
                        + clock.instant() + ")");
            }
        }
    }

    /**
     * A Fulcio certificate lives ~10 minutes; the log must have seen the signature in that window, or the key may
     * have been used after the certificate (and its binding to the identity) expired.
     */
    static void checkIntegratedTime(X509Certificate leaf, Instant integrated, Failures failures) {
        try {
            leaf.checkValidity(Date.from(integrated));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            failures.add(Check.INTEGRATED_TIME, "the Rekor integrated time " + integrated + " is outside the "
                    + "certificate's validity (" + leaf.getNotBefore().toInstant() + " to "
                    + leaf.getNotAfter().toInstant() + ")");
        }
    }

    static Instant first(List<Instant> times) {
        return times.isEmpty() ? null : times.get(0);
    }
}
