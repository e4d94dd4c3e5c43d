package io.fleetwarden.admission;

import io.fleetwarden.gate.GateDecision;
import io.fleetwarden.gate.RegistryWait;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the webhooks of Flux's sources ({@code OCIRepository}, {@code HelmChart}/{@code HelmRelease},
 * {@code HelmRepository}) share: which requests cannot change what is pulled, the answer to a request for a kind
 * the webhook does not judge, and a gate decision turned into an admission decision with its registry wait.
 */
final class SourceAdmissions {

    static final String SOURCE_GROUP = "source.toolkit.fluxcd.io";

    private SourceAdmissions() {
    }

    /**
     * Deletions and subresources (status, finalizers through status) change nothing that is pulled: admitted
     * without a registry call.
     */
    static Optional<AdmissionDecision> notAPullChange(AdmissionInput in) {
        if ("DELETE".equals(in.operation()) || in.subResource() != null) {
            return Optional.of(AdmissionDecision.allow("Bypassed", "not a change of what is pulled", List.of()));
        }
        return Optional.empty();
    }

    /** An UPDATE whose pulled part is unchanged: admitted without a registry call. */
    static Optional<AdmissionDecision> unchanged(AdmissionInput in, boolean samePull, String what) {
        if ("UPDATE".equals(in.operation()) && in.oldObject() != null && samePull) {
            return Optional.of(AdmissionDecision.allow("Bypassed", what + " unchanged", List.of()));
        }
        return Optional.empty();
    }

    /** Refused: the webhook configuration sent a kind this webhook does not judge (fail closed, say where). */
    static AdmissionDecision wrongKind(String judged, AdmissionInput in) {
        return AdmissionDecision.deny(GateDecision.Reasons.INVALID, "this webhook judges " + judged + " objects, got "
                + in.group() + "/" + in.version() + " " + in.kind() + "; check the webhook configuration's rules");
    }

    /** The gate's decision, with the time it spent waiting on registries (for the decision log and metrics). */
    static AdmissionDecision judged(Function<RegistryWait, GateDecision> gate) {
        RegistryWait wait = new RegistryWait();
        AdmissionDecision decision = toAdmission(gate.apply(wait));
        long waited = wait.nanos();
        return waited > 0 ? decision.withRegistryWait(waited) : decision;
    }

    static AdmissionDecision toAdmission(GateDecision d) {
        AdmissionDecision out;
        if (d instanceof GateDecision.Allowed a) {
            out = AdmissionDecision.allow(a.reason(), a.message(), a.warnings());
        } else if (d instanceof GateDecision.Denied denied) {
            out = AdmissionDecision.deny(denied.reason(), "fleetwarden: " + denied.message()).deniedBy(denied.policies()
                    .stream().map(name -> new AdmissionDecision.PolicyRef("ArtifactPolicy", name)).toList());
        } else {
            out = AdmissionDecision.unavailable("fleetwarden: " + d.message());
        }
        return out.withCache(d.cache());
    }
}
