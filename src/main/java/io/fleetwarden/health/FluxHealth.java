package io.fleetwarden.health;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * The health kustomize-controller's poller reports for an applied object: its status readers are tried in order,
 * the first that supports the object's group and kind deciding. Flux registers its Job reader first, then the
 * Kustomization's {@code healthCheckExprs}, and kstatus is the default.
 */
public final class FluxHealth {

    private static final GroupKind JOB = new GroupKind("batch", "Job");

    private FluxHealth() {
    }

    public static Health of(JsonNode liveObject, HealthCheckExprs exprs) {
        return of(liveObject, exprs, Instant.now());
    }

    public static Health of(JsonNode liveObject, HealthCheckExprs exprs, Instant now) {
        if (GroupKind.of(liveObject).equals(JOB)) {
            return FluxJobStatus.of(liveObject);
        }
        return exprs.judge(liveObject).orElseGet(() -> Kstatus.of(liveObject, now));
    }
}
