package io.fleetwarden.status;

/**
 * The reasons fleetwarden writes into conditions, as Flux spells them: one vocabulary for status, events,
 * logs and metrics. A reason says what happened; {@link Outcome} says what happens next.
 */
public final class Reasons {

    // fluxcd/pkg/apis/meta
    public static final String SUCCEEDED = "Succeeded";
    public static final String FAILED = "Failed";
    public static final String PROGRESSING = "Progressing";
    public static final String PROGRESSING_WITH_RETRY = "ProgressingWithRetry";
    public static final String DEPENDENCY_NOT_READY = "DependencyNotReady";
    public static final String RECONCILIATION_SUCCEEDED = "ReconciliationSucceeded";
    public static final String RECONCILIATION_FAILED = "ReconciliationFailed";
    public static final String HEALTH_CHECK_FAILED = "HealthCheckFailed";
    public static final String HEALTH_CHECK_CANCELED = "HealthCheckCanceled";
    public static final String INVALID_CEL_EXPRESSION = "InvalidCELExpression";
    public static final String SUSPENDED = "Suspended";

    // source-controller (OCIRepository)
    public static final String VERIFICATION_ERROR = "VerificationError";
    public static final String AUTHENTICATION_FAILED = "AuthenticationFailed";
    public static final String OCI_PULL_FAILED = "OCIArtifactPullFailed";
    public static final String OCI_LAYER_OPERATION_FAILED = "OCIArtifactLayerOperationFailed";
    public static final String URL_INVALID = "URLInvalid";
    public static final String READ_OPERATION_FAILED = "ReadOperationFailed";
    public static final String NEW_REVISION = "NewRevision";

    // kustomize-controller (Kustomization)
    public static final String ARTIFACT_FAILED = "ArtifactFailed";
    public static final String BUILD_FAILED = "BuildFailed";
    public static final String PRUNE_FAILED = "PruneFailed";
    public static final String ACCESS_DENIED = "AccessDenied";

    private Reasons() {
    }
}
