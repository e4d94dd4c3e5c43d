package io.fleetwarden.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Events about admission denials ({@code fleetwarden.events.*}): see {@link io.fleetwarden.kube.DenialEvents}. The
 * defaults bound what a storm of denials can write: at most 25 new Events at once and one more every 2 s, and one
 * update per repeated Event every 30 s.
 */
@ConfigMapping(prefix = "fleetwarden.events")
public interface EventsConfig {

    /** Off: denials are only answered, logged and counted. */
    @WithDefault("true")
    boolean enabled();

    /** Denials waiting to be written; more are dropped (fleetwarden_admission_events_total{result="queue-full"}). */
    @WithDefault("256")
    int queue();

    /** Events remembered for aggregation; a repeat of a forgotten one writes a new Event. */
    @WithDefault("1024")
    int remembered();

    /** How often repeats are written to their Event (count and lastTimestamp). */
    @WithDefault("30s")
    Duration flushPeriod();

    /** New Events written at once before the rate limit applies. */
    @WithDefault("25")
    int burst();

    /** One more new Event may be written per this long. */
    @WithDefault("2s")
    Duration refill();
}
