package io.fleetwarden.apply;

import java.util.Objects;

/**
 * How to apply: the field manager our server-side applies own fields as, whether an object whose immutable
 * fields changed may be deleted and created again (a Kustomization's {@code spec.force}), and whether
 * kustomize-controller's per-object annotations are honoured ({@code kustomize.toolkit.fluxcd.io/ssa: Ignore} or
 * {@code IfNotPresent}, {@code reconcile: disabled}, {@code force: enabled}), and a Kustomization's drift ignore rules
 * ({@code spec.ignore}, {@link DriftIgnore}).
 *
 * <p>Only kustomize-controller honours those annotations. Flux Operator applies ResourceSets and a FluxInstance's
 * objects with fluxcd/pkg/ssa's default options, which select nothing: an object it generates with
 * {@code ssa: Ignore} (every FluxInstance sync object carries it, for the sync Kustomization's sake) is applied all
 * the same, and engine mode must do as it does.
 */
public record ApplyOptions(String fieldManager, boolean force, boolean kustomizeAnnotations, DriftIgnore ignore) {

    /** kustomize-controller's field manager, so that objects handed over from Flux keep their owner. */
    public static final String FLUX_FIELD_MANAGER = "kustomize-controller";

    public ApplyOptions {
        Objects.requireNonNull(fieldManager, "fieldManager");
        if (fieldManager.isBlank()) {
            throw new IllegalArgumentException("the field manager must not be blank");
        }
        Objects.requireNonNull(ignore, "ignore");
    }

    /** Without drift ignore rules. */
    public ApplyOptions(String fieldManager, boolean force, boolean kustomizeAnnotations) {
        this(fieldManager, force, kustomizeAnnotations, DriftIgnore.NONE);
    }

    /** As kustomize-controller applies: its per-object annotations honoured. */
    public ApplyOptions(String fieldManager, boolean force) {
        this(fieldManager, force, true);
    }
}
