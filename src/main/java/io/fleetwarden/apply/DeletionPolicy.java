package io.fleetwarden.apply;

/** What happens to a Kustomization's objects when it is deleted (Flux's {@code spec.deletionPolicy}). */
public enum DeletionPolicy {
    /** Delete them if the Kustomization prunes ({@code spec.prune: true}), leave them otherwise (Flux's default). */
    MIRROR_PRUNE,
    /** Delete them whether or not it prunes. */
    DELETE,
    /** Delete them and wait, within the deadline, until the API server no longer has them. */
    WAIT_FOR_TERMINATION,
    /** Leave them. */
    ORPHAN;

    /** Flux's {@code finalizerShouldDeleteResources}. */
    public boolean deletesOnRemoval(boolean kustomizationPrunes) {
        return switch (this) {
            case MIRROR_PRUNE -> kustomizationPrunes;
            case DELETE, WAIT_FOR_TERMINATION -> true;
            case ORPHAN -> false;
        };
    }

    /** The spelling in the Kustomization: {@code MirrorPrune}, {@code Delete}, {@code WaitForTermination}, {@code Orphan}. */
    public static DeletionPolicy fromSpec(String value) {
        if (value == null || value.isEmpty()) {
            return MIRROR_PRUNE;
        }
        return switch (value) {
            case "MirrorPrune" -> MIRROR_PRUNE;
            case "Delete" -> DELETE;
            case "WaitForTermination" -> WAIT_FOR_TERMINATION;
            case "Orphan" -> ORPHAN;
            default -> throw new IllegalArgumentException("spec.deletionPolicy '" + value
                    + "' is not one of MirrorPrune, Delete, WaitForTermination, Orphan");
        };
    }
}
