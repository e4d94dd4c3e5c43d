package io.fleetwarden.gate;

import io.fleetwarden.platform.PolicyNotInForce;
import java.util.List;

/**
 * The decision for a source that a stored policy names but which does not compile: denied, whatever the other
 * policies and {@code uncovered} would say (see {@link PolicyNotInForce}). A denial, not {@code Unavailable}:
 * retrying cannot fix it, and the message says what will.
 */
final class NotInForce {

    private NotInForce() {
    }

    static GateDecision decide(String url, List<PolicyNotInForce> broken) {
        PolicyNotInForce first = broken.get(0);
        String names = String.join(", ", broken.stream().map(PolicyNotInForce::name).toList());
        String message = "ArtifactPolicy " + names + " names " + url + " but is not in force, so nothing it governs is "
                + "admitted until it is fixed or deleted (kubectl get artifactpolicy " + first.name() + " -o wide): "
                + first.problem().replaceAll("\\s*\\n\\s*", " ");
        // Named as the denying policies: the Event goes where the fix is.
        return new GateDecision.Denied(GateDecision.Reasons.POLICY_NOT_IN_FORCE, message, GateDecision.CACHE_NONE,
                broken.stream().map(PolicyNotInForce::name).toList());
    }
}
