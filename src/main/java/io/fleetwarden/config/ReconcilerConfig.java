package io.fleetwarden.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Which mode runs ({@code fleetwarden.mode}) and how the reconciler of engine mode works
 * ({@code fleetwarden.reconciler.*}).
 */
@ConfigMapping(prefix = "fleetwarden")
public interface ReconcilerConfig {

    enum Mode {
        /** Admission only, next to Flux's own controllers. */
        GUARD,
        /** Admission and the reconciler: fleetwarden delivers OCIRepositories, Kustomizations and ResourceSets itself. */
        ENGINE
    }

    @WithDefault("guard")
    Mode mode();

    Reconciler reconciler();

    interface Reconciler {

        /** OCIRepositories reconciled in parallel (each mostly waits on a registry). */
        @WithDefault("4")
        int ociRepositoryConcurrency();

        /** Kustomizations reconciled in parallel (each mostly waits on the API server). */
        @WithDefault("8")
        int kustomizationConcurrency();

        /** ResourceSets reconciled in parallel (each mostly waits on the API server). */
        @WithDefault("4")
        int resourceSetConcurrency();

        /** How soon a Kustomization or ResourceSet waiting for a dependency or a source looks again (Flux: 30 s). */
        @WithDefault("10s")
        Duration dependencyRequeue();

        /** This replica's shard: it reconciles objects labelled {@code sharding.fluxcd.io/key=<shard>} only;
         *  without one, the objects without that label. */
        Optional<String> shard();

        /**
         * The service account a Kustomization in a platform namespace runs as when it names none (Flux's
         * {@code --default-service-account}); without it, such a Kustomization is applied as fleetwarden, which
         * engine mode's RBAC grants no rights on the objects it applies. Tenants get the TenancyPolicy's default.
         */
        Optional<String> defaultServiceAccount();

        /** Extracted artifacts kept in memory, shared by all Kustomizations. */
        @WithDefault("268435456")
        long storeBytes();
    }
}
