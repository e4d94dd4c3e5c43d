package io.fleetwarden.kube.certs;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the CA Secret holds: the CA that signs serving certificates ({@code current}), a successor being
 * introduced into {@code caBundle} before it signs anything ({@code next}, since when), and the CA it
 * replaced, trusted until every replica serves a certificate of the new one ({@code previous}, until when;
 * its key is dropped at once: it never signs again).
 */
public record CaState(CertificateAuthority current, CertificateAuthority next, Instant nextSince,
        X509Certificate previous, Instant previousUntil) {

    public static CaState of(CertificateAuthority current) {
        return new CaState(current, null, null, null, null);
    }

    /** The CAs the API server must trust now: current first, then the incoming, then the outgoing one. */
    public List<X509Certificate> bundle() {
        List<X509Certificate> out = new ArrayList<>();
        out.add(current.certificate());
        if (next != null) {
            out.add(next.certificate());
        }
        if (previous != null && !out.contains(previous)) {
            out.add(previous);
        }
        return List.copyOf(out);
    }

    CaState withNext(CertificateAuthority ca, Instant since) {
        return new CaState(current, ca, since, previous, previousUntil);
    }

    CaState withoutNext() {
        return new CaState(current, null, null, previous, previousUntil);
    }

    CaState withoutPrevious() {
        return new CaState(current, next, nextSince, null, null);
    }

    /** The successor signs from now on; the old CA stays trusted (certificate only) until {@code until}. */
    CaState promoted(Instant until) {
        return new CaState(next, null, null, current.certificate(), until);
    }
}
