package io.fleetwarden.testing.sigstore;

import java.security.KeyPair;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who signs and how. Keyless requests get a fresh Fulcio leaf for {@code identity}; key requests sign with
 * {@code key} and carry no certificate. Times left null default to "now" at signing: the integrated time, and a
 * certificate valid from one minute before to ten minutes after the integrated time.
 *
 * @param tlog for key signing: whether the signature is logged (keyless signatures always are)
 * @param rekorV2 log to the Rekor v2 log and timestamp with the TSA, as {@code cosign sign --with-default-rekor-v2}
 *                (DSSE bundles only); the integrated time is then the timestamp's time
 */
public record SigningRequest(Identity identity, KeyPair key, Instant integratedTime, Instant certNotBefore,
        Instant certNotAfter, String predicateType, String subjectName, boolean tlog, Set<Tamper> tampers,
        boolean rekorV2) {

    public static final String COSIGN_SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";
    public static final String DEFAULT_SUBJECT_NAME = "artifact";

    public SigningRequest {
        if ((identity == null) == (key == null)) {
            throw new IllegalArgumentException("a signing request needs exactly one of identity or key");
        }
        Objects.requireNonNull(predicateType, "predicateType");
        tampers = tampers.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(tampers));
        if (identity != null && !tlog) {
            throw new IllegalArgumentException("keyless signatures are always logged in Rekor");
        }
    }

    /** The default GitHub Actions identity ({@code acme/fleet}, push-artifact.yaml on main). */
    public static SigningRequest github() {
        return keyless(Identity.github().build()).build();
    }

    public static Builder keyless(Identity identity) {
        return new Builder(Objects.requireNonNull(identity, "identity"), null);
    }

    public static Builder withKey(KeyPair key) {
        return new Builder(null, Objects.requireNonNull(key, "key"));
    }

    public boolean has(Tamper tamper) {
        return tampers.contains(tamper);
    }

    public Builder toBuilder() {
        Builder b = new Builder(identity, key);
        b.integratedTime = integratedTime;
        b.certNotBefore = certNotBefore;
        b.certNotAfter = certNotAfter;
        b.predicateType = predicateType;
        b.subjectName = subjectName;
        b.tlog = tlog;
        b.tampers.addAll(tampers);
        b.rekorV2 = rekorV2;
        return b;
    }

    public static final class Builder {
        private final Identity identity;
        private final KeyPair key;
        private Instant integratedTime;
        private Instant certNotBefore;
        private Instant certNotAfter;
        private String predicateType = COSIGN_SIGN_PREDICATE;
        private String subjectName = DEFAULT_SUBJECT_NAME;
        private boolean tlog = true;
        private boolean rekorV2;
        private final Set<Tamper> tampers = EnumSet.noneOf(Tamper.class);

        private Builder(Identity identity, KeyPair key) {
            this.identity = identity;
            this.key = key;
        }

        public Builder integratedTime(Instant t) {
            integratedTime = t;
            return this;
        }

        public Builder certificateValidity(Instant notBefore, Instant notAfter) {
            certNotBefore = notBefore;
            certNotAfter = notAfter;
            return this;
        }

        public Builder predicateType(String t) {
            predicateType = t;
            return this;
        }

        /**
         * The in-toto subject {@code name} (default {@value #DEFAULT_SUBJECT_NAME}). Null writes the statement
         * exactly as cosign v3 {@code sign} does: no name, empty {@code annotations}.
         */
        public Builder subjectName(String n) {
            subjectName = n;
            return this;
        }

        /** Key signing without a transparency log entry ({@code cosign sign --tlog-upload=false}). */
        public Builder withoutTlog() {
            tlog = false;
            return this;
        }

        /** Sign the cosign v3 way to Rekor v2: dsse 0.0.2 entry, checkpoint, RFC 3161 timestamp, no SET. */
        public Builder rekorV2() {
            rekorV2 = true;
            return this;
        }

        public Builder tamper(Tamper... t) {
            tampers.addAll(Set.of(t));
            return this;
        }

        public SigningRequest build() {
            return new SigningRequest(identity, key, integratedTime, certNotBefore, certNotAfter, predicateType,
                    subjectName, tlog, tampers, rekorV2);
        }
    }
}
