package io.fleetwarden.verify;

/** Evidence that was checked for a verified signature, reported with the verdict. */
public enum Evidence {
    LEGACY_SIGNATURE_TAG,
    BUNDLE_REFERRER,
    BUNDLE_FILE,
    CERTIFICATE_CHAIN,
    SCT,
    SIGNED_ENTRY_TIMESTAMP,
    INCLUSION_PROOF,
    CHECKPOINT,
    RFC3161_TIMESTAMP,
    PUBLIC_KEY
}
