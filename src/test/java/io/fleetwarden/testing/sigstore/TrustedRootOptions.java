package io.fleetwarden.testing.sigstore;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The validity windows the trusted root declares for each authority ({@code validFor}), to test that a
 * verifier honours them (a CA retired before the certificate was issued, a log key not yet valid...).
 */
public record TrustedRootOptions(Validity ca, Validity tlog, Validity ctlog) {

    /**
     * @param start null omits {@code start} (a malformed root sigstore-java 2.0.0 wrongly accepts)
     * @param end   null: still valid
     */
    public record Validity(Instant start, Instant end) {

        public Validity {
            start = start == null ? null : start.truncatedTo(ChronoUnit.SECONDS);
            end = end == null ? null : end.truncatedTo(ChronoUnit.SECONDS);
        }

        public static Validity from(Instant start) {
            return new Validity(start, null);
        }

        public static Validity between(Instant start, Instant end) {
            return new Validity(start, end);
        }
    }

    public static TrustedRootOptions allFrom(Instant start) {
        Validity v = Validity.from(start);
        return new TrustedRootOptions(v, v, v);
    }

    public TrustedRootOptions withCa(Validity v) {
        return new TrustedRootOptions(v, tlog, ctlog);
    }

    public TrustedRootOptions withTlog(Validity v) {
        return new TrustedRootOptions(ca, v, ctlog);
    }

    public TrustedRootOptions withCtlog(Validity v) {
        return new TrustedRootOptions(ca, tlog, v);
    }
}
