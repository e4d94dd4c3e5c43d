package io.fleetwarden.artifact;

/**
 * An artifact that was fetched (or could have been) but cannot be used: the reference names an index, no layer
 * matches the selector, the layer is refused ({@link ArchiveRefused}). Registry failures are
 * {@link io.fleetwarden.oci.RegistryException}s instead. {@link #conditionReason()} is the reason source-controller
 * sets on its {@code FetchFailed} condition for the same failure, so our status reads like Flux's.
 */
public class ArtifactPullException extends Exception {

    /** source-controller's reason when the artifact cannot be pulled as an image. */
    public static final String PULL_FAILED = "OCIArtifactPullFailed";
    /** source-controller's reason when no layer can be selected, or the selected one cannot be extracted or copied. */
    public static final String LAYER_OPERATION_FAILED = "OCIArtifactLayerOperationFailed";

    private final String conditionReason;

    public ArtifactPullException(String conditionReason, String message) {
        super(message);
        this.conditionReason = conditionReason;
    }

    public ArtifactPullException(String conditionReason, String message, Throwable cause) {
        super(message, cause);
        this.conditionReason = conditionReason;
    }

    /** {@link #PULL_FAILED} or {@link #LAYER_OPERATION_FAILED}. */
    public String conditionReason() {
        return conditionReason;
    }
}
