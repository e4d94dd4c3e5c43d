package io.fleetwarden.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How the service verifies OCI sources: deadline, trust, registries, caching. */
@ConfigMapping(prefix = "fleetwarden.gate")
public interface GateConfig {

    /**
     * One deadline for everything a review does (registry calls, Kubernetes reads). It must stay below the
     * webhook's {@code timeoutSeconds} (10 s in deploy/): a review that runs out answers "unavailable"
     * itself, rather than being cut off by the API server.
     */
    @WithDefault("8s")
    Duration reviewBudget();

    /** OCI sources no ArtifactPolicy covers: deny, warn or allow. */
    @WithDefault("deny")
    String uncovered();

    /**
     * Trusted roots besides the embedded public-good one, loaded at start: name → path of a trusted_root.json.
     * Names starting with {@code configmap:} or {@code secret:} are reserved for roots from the cluster.
     */
    Map<String, String> trustedRoots();

    /**
     * Where the ConfigMaps and Secrets named by {@code trustedRootFrom} live: fleetwarden's own namespace
     * (downward API {@code POD_NAMESPACE}), whose objects labelled {@code fleetwarden.io/trusted-root} are watched.
     */
    @WithDefault("${POD_NAMESPACE:flux-system}")
    String trustedRootNamespace();

    /**
     * Whether {@code trustedRootFrom.secretKeyRef} is served: a Secret informer on fleetwarden's namespace (label
     * selected, but RBAC then has to allow list/watch of that namespace's Secrets). false: ConfigMaps only, and
     * the Role's Secret rule can be removed.
     */
    @WithDefault("true")
    boolean trustedRootsFromSecrets();

    /** Registries reached over plain HTTP (loopback always may). */
    Optional<List<String>> insecureRegistries();

    /**
     * 0 (the default): every review resolves its tag, so a moved tag is noticed at once. A positive duration
     * (a few seconds) lets reviews within it reuse a resolution; see {@code gate.RecentTagResolutions} for the
     * trade. Flux's own pull-time verification with the policy-checked {@code spec.verify} is unaffected.
     */
    @WithDefault("0s")
    Duration tagResolutionTtl();

    @WithDefault("10000")
    long cacheEntries();

    @WithDefault("10m")
    Duration cacheVerifiedFor();

    @WithDefault("30s")
    Duration cacheDeniedFor();
}
