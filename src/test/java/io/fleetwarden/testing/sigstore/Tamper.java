package io.fleetwarden.testing.sigstore;

import java.util.EnumSet;
import java.util.Set;

/**
 * One deliberate defect in an otherwise valid signature, so a verifier test can assert the failure reason.
 * Every other part stays valid and consistent with the defect (for example the tlog body records exactly the
 * signature that is presented unless the defect is about the tlog body). Applying a tamper to a format it does
 * not exist in (an inclusion proof in a legacy signature) is an {@link IllegalArgumentException}.
 */
public enum Tamper {

    /** The SET is signed by a key the trusted root does not know; logID, body and proofs are genuine. */
    SET_BY_UNKNOWN_KEY(true, false, Format.LEGACY, Format.DSSE, Format.MESSAGE),
    /** One audit-path hash is altered; root hash and checkpoint are those of the real tree. */
    BROKEN_INCLUSION_PROOF(true, false, Format.DSSE, Format.MESSAGE),
    /**
     * The checkpoint is signed by an unknown key but names the trusted log and carries its key hint (a hint is
     * not authentication: only the signature check can catch this).
     */
    CHECKPOINT_BY_UNKNOWN_KEY(true, false, Format.DSSE, Format.MESSAGE),
    /** The embedded SCT comes from a CT log (its own log id, valid signature) that the trusted root lacks. */
    SCT_BY_UNKNOWN_LOG(false, true, Format.LEGACY, Format.DSSE, Format.MESSAGE),
    /** The leaf is issued by another root+intermediate (the legacy chain annotation carries that chain). */
    CERT_FROM_UNKNOWN_CA(false, true, Format.LEGACY, Format.DSSE, Format.MESSAGE),
    /** The certificate expired before the integrated time (valid 20 to 10 minutes before it). */
    INTEGRATED_TIME_OUTSIDE_CERT_VALIDITY(false, true, Format.LEGACY, Format.DSSE, Format.MESSAGE),
    /** The signature is valid but over a different payload (statement / digest); the tlog records this signature. */
    SIGNATURE_OVER_OTHER_PAYLOAD(false, false, Format.LEGACY, Format.DSSE, Format.MESSAGE),
    /** The tlog entry is genuine but records another signature over another payload by the same signer. */
    TLOG_BODY_OF_OTHER_SIGNATURE(true, false, Format.LEGACY, Format.DSSE, Format.MESSAGE),
    /** Legacy: {@code docker-manifest-digest} names another manifest; message bundle: signs another artifact. */
    PAYLOAD_DIGEST_OF_OTHER_ARTIFACT(false, false, Format.LEGACY, Format.MESSAGE),
    /** Legacy: {@code critical.type} is not the cosign type; DSSE: the envelope payloadType is not in-toto. */
    PAYLOAD_TYPE_WRONG(false, false, Format.LEGACY, Format.DSSE),
    /** The in-toto predicateType is SLSA provenance instead of the requested one. */
    WRONG_PREDICATE_TYPE(false, false, Format.DSSE),
    /** The in-toto subject carries another sha256. */
    DSSE_SUBJECT_OTHER_DIGEST(false, false, Format.DSSE),
    /** Rekor v2: one byte of the logged body is changed after logging (the proof no longer reaches the root). */
    TLOG_BODY_ALTERED(true, false, Format.DSSE),
    /** Rekor v2: the bundle carries no RFC 3161 timestamp. */
    TIMESTAMP_MISSING(true, false, Format.DSSE),
    /** Rekor v2: the timestamp is genuine but over other bytes than the signature. */
    TIMESTAMP_OVER_OTHER_BYTES(true, false, Format.DSSE),
    /** Rekor v2: the timestamp is by a TSA the trusted root does not list. */
    TIMESTAMP_BY_UNKNOWN_TSA(true, false, Format.DSSE);

    /** Only exist with {@link SigningRequest#rekorV2()}. */
    static final Set<Tamper> REKOR_V2_ONLY = EnumSet.of(TLOG_BODY_ALTERED, TIMESTAMP_MISSING, TIMESTAMP_OVER_OTHER_BYTES,
            TIMESTAMP_BY_UNKNOWN_TSA);
    /** Rekor v2 logs issue no SET. */
    static final Set<Tamper> REKOR_V1_ONLY = EnumSet.of(SET_BY_UNKNOWN_KEY);

    /** The three outputs of {@link LocalSigstore}. */
    public enum Format { LEGACY, DSSE, MESSAGE }

    private final boolean needsTlog;
    private final boolean keylessOnly;
    private final Set<Format> formats;

    Tamper(boolean needsTlog, boolean keylessOnly, Format first, Format... rest) {
        this.needsTlog = needsTlog;
        this.keylessOnly = keylessOnly;
        this.formats = EnumSet.of(first, rest);
    }

    public boolean appliesTo(Format format, boolean keyless, boolean tlog) {
        return formats.contains(format) && (keyless || !keylessOnly) && (tlog || !needsTlog);
    }
}
