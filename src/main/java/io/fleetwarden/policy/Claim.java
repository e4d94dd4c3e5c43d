package io.fleetwarden.policy;

/** A claim of the signer an authority constrains; each names the check that fails when it does not hold. */
public enum Claim {
    ISSUER,
    SUBJECT,
    SOURCE_REPOSITORY,
    WORKFLOW,
    SOURCE_REF,
    BUILD_TRIGGER,
    RUNNER_ENVIRONMENT,
    TAG_REF_BINDING,
    KEY,
    PREDICATE_TYPE
}
