package io.fleetwarden.apply;

import java.util.Objects;

/**
 * How to apply: the field manager our server-side applies own fields as, and whether an object whose immutable
 * fields changed may be deleted and created again (a Kustomization's {@code spec.force}; per object,
 * {@code kustomize.toolkit.fluxcd.io/force: enabled} does the same).
 */
public record ApplyOptions(String fieldManager, boolean force) {

    /** kustomize-controller's field manager, so that objects handed over from Flux keep their owner. */
    public static final String FLUX_FIELD_MANAGER = "kustomize-controller";

    public ApplyOptions {
        Objects.requireNonNull(fieldManager, "fieldManager");
        if (fieldManager.isBlank()) {
            throw new IllegalArgumentException("the field manager must not be blank");
        }
    }
}
