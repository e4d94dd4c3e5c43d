package io.fleetwarden.status;

/**
 * The condition types fleetwarden writes, named as Flux names them ({@code fluxcd/pkg/apis/meta}
 * {@code condition_types.go} and the source and kustomize APIs), so that {@code flux get}, {@code kubectl wait
 * --for=condition=Ready} and dashboards read our status as they read Flux's.
 */
public final class ConditionTypes {

    /** Summary: the object is reconciled (True), failed (False) or being reconciled (Unknown). */
    public static final String READY = "Ready";
    /** Work is under way; True only while a reconcile is in progress or being retried. */
    public static final String RECONCILING = "Reconciling";
    /** Retrying cannot help until the object (or a policy) changes. */
    public static final String STALLED = "Stalled";
    /** Kustomization: the applied objects passed their health checks. */
    public static final String HEALTHY = "Healthy";
    /** OCIRepository: the artifact's signature was verified before it was pulled. */
    public static final String SOURCE_VERIFIED = "SourceVerified";
    /** OCIRepository: a verified artifact is held for consumers. */
    public static final String ARTIFACT_IN_STORAGE = "ArtifactInStorage";
    /** OCIRepository: the last attempt to resolve or pull failed (negative polarity: True means a problem). */
    public static final String FETCH_FAILED = "FetchFailed";
    /** OCIRepository: a newer revision was found than the one in storage. */
    public static final String ARTIFACT_OUTDATED = "ArtifactOutdated";

    private ConditionTypes() {
    }
}
