package io.fleetwarden.gate;

import io.fleetwarden.oci.Digest;
import java.util.List;

/**
 * The gate's answer for one OCI source. Three kinds, never conflated: a policy said no ({@link Denied}),
 * fleetwarden could not find out ({@link Unavailable}: callers fail closed and say so), or yes.
 */
public sealed interface GateDecision {

    String reason();

    String message();

    /** {@code hit} when every verdict came from the decision cache, {@code miss} when any was computed, {@code none}. */
    String cache();

    String CACHE_NONE = "none";
    String CACHE_HIT = "hit";
    String CACHE_MISS = "miss";

    /**
     * @param digest the artifact that was verified; null when nothing was resolved (offline, not covered)
     */
    record Allowed(String reason, String message, List<String> warnings, Digest digest, String cache)
            implements GateDecision {
        public Allowed {
            warnings = List.copyOf(warnings);
        }
    }

    /** @param policies the names of the policies that denied, when policies did (not: no policy covers it) */
    record Denied(String reason, String message, String cache, List<String> policies) implements GateDecision {
        public Denied {
            policies = policies == null ? List.of() : List.copyOf(policies);
        }

        public Denied(String reason, String message, String cache) {
            this(reason, message, cache, List.of());
        }
    }

    record Unavailable(String reason, String message, String cache) implements GateDecision {
    }

    /** Reasons, as they appear in admission responses, logs and metrics. */
    final class Reasons {
        public static final String VERIFIED = "Verified";
        public static final String ALLOWED_UNSIGNED = "AllowedUnsigned";
        public static final String NOT_COVERED = "NotCovered";
        /** A policy naming the source does not compile, so nothing it governs is admitted until it is fixed. */
        public static final String POLICY_NOT_IN_FORCE = "PolicyNotInForce";
        public static final String SPEC_POLICY = "VerificationSpecRejected";
        public static final String POLICY_DENIED = "PolicyDenied";
        public static final String NO_MATCHING_TAG = "NoMatchingTag";
        public static final String INVALID = "Invalid";
        public static final String UNAVAILABLE = "Unavailable";
        public static final String OFFLINE = "CheckedOffline";
        public static final String WARNED = "AllowedWithWarnings";

        private Reasons() {
        }
    }
}
