package io.fleetwarden.admission;

import java.util.List;

/**
 * What a handler decided, as a value. The HTTP edge turns it into an AdmissionResponse: {@code allowed},
 * a status with {@code code} and {@code reason} and the message, warnings, and a JSON patch for mutations.
 *
 * @param reason machine-readable reason: {@code Verified}, {@code PolicyDenied}, {@code Unavailable}
 *               (an infrastructure failure: denied, never allowed), {@code Invalid}, {@code NotCovered},
 *               {@code Bypassed}, ...
 * @param patch  a JSON Patch document (RFC 6902) for a mutating webhook; null for none
 * @param cache  whether signature verdicts came from the decision cache: {@code hit}, {@code miss}, {@code none}
 * @param registryNanos how long the decision waited for registries; -1 when it made no registry calls
 * @param deniedBy the fleetwarden policies whose rules denied the request (they get an Event too), if any
 */
public record AdmissionDecision(boolean allowed, int code, String reason, String message, List<String> warnings,
        String patch, String cache, long registryNanos, List<PolicyRef> deniedBy) {

    /** A cluster-scoped fleetwarden policy: {@code ArtifactPolicy} or {@code TenancyPolicy}, and its name. */
    public record PolicyRef(String kind, String name) {
    }

    public AdmissionDecision {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        cache = cache == null ? "none" : cache;
        deniedBy = deniedBy == null ? List.of() : List.copyOf(deniedBy);
    }

    public AdmissionDecision(boolean allowed, int code, String reason, String message, List<String> warnings,
            String patch) {
        this(allowed, code, reason, message, warnings, patch, "none", -1, List.of());
    }

    public AdmissionDecision withCache(String c) {
        return new AdmissionDecision(allowed, code, reason, message, warnings, patch, c, registryNanos, deniedBy);
    }

    public AdmissionDecision withRegistryWait(long nanos) {
        return new AdmissionDecision(allowed, code, reason, message, warnings, patch, cache, nanos, deniedBy);
    }

    public AdmissionDecision deniedBy(List<PolicyRef> policies) {
        return new AdmissionDecision(allowed, code, reason, message, warnings, patch, cache, registryNanos, policies);
    }

    public static AdmissionDecision allow(String reason, String message, List<String> warnings) {
        return new AdmissionDecision(true, 200, reason, message, warnings, null);
    }

    /** A policy said no: 403, the message says what to change. */
    public static AdmissionDecision deny(String reason, String message) {
        return new AdmissionDecision(false, 403, reason, message, List.of(), null);
    }

    /** We could not decide (registry down, deadline): fail closed with 503 and a reason that says so. */
    public static AdmissionDecision unavailable(String message) {
        return new AdmissionDecision(false, 503, "Unavailable", message, List.of(), null);
    }

    public static AdmissionDecision patch(String reason, String message, List<String> warnings, String jsonPatch) {
        return new AdmissionDecision(true, 200, reason, message, warnings, jsonPatch);
    }
}
