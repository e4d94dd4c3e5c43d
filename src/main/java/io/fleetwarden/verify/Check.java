package io.fleetwarden.verify;

/**
 * Every check a signature must pass, named so a failure can say which one failed. The names are stable:
 * they appear in CLI output, admission messages and metrics.
 */
public enum Check {
    /** The tag or digest exists in the registry. */
    ARTIFACT_FOUND,
    /** At least one signature (legacy {@code .sig} tag or bundle referrer) exists for the digest. */
    SIGNATURE_PRESENT,
    /** The signature material parses (bundle JSON, simple-signing payload, annotations). */
    SIGNATURE_FORMAT,
    /** The signed payload names this artifact: simple-signing docker-manifest-digest or in-toto subject. */
    ARTIFACT_DIGEST,
    /** simple-signing {@code critical.type} is {@code cosign container image signature}. */
    PAYLOAD_TYPE,
    /** The in-toto predicate type is the one the policy requires (cosign signing predicate by default). */
    PREDICATE_TYPE,
    /** The signature verifies over the payload with the certificate's or the given key. */
    SIGNATURE,
    /** The certificate chains to a Fulcio CA of the trusted root, valid at issuance. */
    CERTIFICATE_CHAIN,
    /** An embedded SCT from a CT log of the trusted root. */
    SCT,
    /** The transparency-log entry: SET (signed entry timestamp) and/or inclusion proof and checkpoint. */
    TLOG_ENTRY,
    /** The log entry describes this signature: body hash, signature and key equal the signed material. */
    TLOG_BODY,
    /** An RFC 3161 timestamp from a TSA of the trusted root covers the signature (required for Rekor v2 entries). */
    RFC3161_TIMESTAMP,
    /** Rekor integrated time (or RFC 3161 time) lies within the certificate's validity. */
    INTEGRATED_TIME,
    /** That time also lies within the validity windows of the trusted root's CA, log and CT authorities. */
    AUTHORITY_VALIDITY,
    /** The public key given by the policy. */
    KEY,
    ISSUER,
    SUBJECT,
    SOURCE_REPOSITORY,
    WORKFLOW,
    SOURCE_REF,
    BUILD_TRIGGER,
    RUNNER_ENVIRONMENT,
    /** The artifact tag is consistent with the git ref the signature was made on. */
    TAG_REF_BINDING
}
