package io.fleetwarden.gate;

import io.fleetwarden.platform.PolicySnapshot;
import java.util.List;

/** The decision for a source no policy covers, as configured (deny by default). */
final class Uncovering {

    private Uncovering() {
    }

    static GateDecision decide(PolicySnapshot snapshot, String url) {
        String message = "no ArtifactPolicy covers " + url + " (" + snapshot.policies().size()
                + " policies loaded); ask the platform team for a policy naming who must sign it, or an Allow policy "
                + "for a third-party source";
        return switch (snapshot.uncovered()) {
            case DENY -> new GateDecision.Denied(GateDecision.Reasons.NOT_COVERED, message, GateDecision.CACHE_NONE);
            case WARN -> new GateDecision.Allowed(GateDecision.Reasons.NOT_COVERED, url + " admitted unverified",
                    List.of(message), null, GateDecision.CACHE_NONE);
            case ALLOW -> new GateDecision.Allowed(GateDecision.Reasons.NOT_COVERED, url + " admitted: not covered",
                    List.of(), null, GateDecision.CACHE_NONE);
        };
    }
}
