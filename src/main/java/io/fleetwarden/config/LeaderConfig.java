package io.fleetwarden.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Leader election ({@code fleetwarden.leader.*}): one Lease in the webhook's namespace. */
@ConfigMapping(prefix = "fleetwarden.leader")
public interface LeaderConfig {

    @WithDefault("fleetwarden-leader")
    String leaseName();

    @WithDefault("${POD_NAMESPACE:flux-system}")
    String namespace();

    /** Defaults to the pod name (downward API {@code POD_NAME}), else the host name, which is the pod name too. */
    Optional<String> identity();

    /** How long a Lease holds without renewal; a crashed leader is replaced after at most this. */
    @WithDefault("15s")
    Duration leaseDuration();

    @WithDefault("10s")
    Duration renewDeadline();

    @WithDefault("2s")
    Duration retryPeriod();

    /** How often the leader brings policy statuses up to date (a policy edit shows within this period). */
    @WithDefault("15s")
    Duration policyStatusPeriod();
}
