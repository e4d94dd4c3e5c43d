package io.fleetwarden.admission;

import io.fleetwarden.gate.GateDecision;
import io.fleetwarden.source.OciSource;
import io.fleetwarden.gate.OciSourceGate;
import io.fleetwarden.gate.RegistryWait;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.policy.FieldViolation;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code /validate/ocirepository}: every CREATE or UPDATE of a Flux {@code OCIRepository} (v1, v1beta2)
 * goes through the {@link OciSourceGate} under one deadline shorter than the webhook's timeout.
 *
 * <p>Not in the way: deletions, status updates and updates that leave {@code spec} unchanged (controllers
 * adding or removing finalizers, labels, reconcile annotations) are admitted without registry calls.
 * They cannot change which artifact is pulled; a tag moved since the last spec change is caught by Flux's
 * own verification with the {@code spec.verify} this webhook held to the policy.
 */
public final class OciRepositoryAdmission implements AdmissionHandler {

    static final String GROUP = "source.toolkit.fluxcd.io";

    private final OciSourceGate gate;
    private final Duration budget;

    public OciRepositoryAdmission(OciSourceGate gate, Duration budget) {
        this.gate = gate;
        this.budget = budget;
    }

    @Override
    public AdmissionDecision handle(AdmissionInput in) {
        Deadline deadline = Deadline.after(budget);
        if ("DELETE".equals(in.operation()) || in.subResource() != null) {
            return AdmissionDecision.allow("Bypassed", "not a change of what is pulled", List.of());
        }
        if (!GROUP.equals(in.group()) || !"OCIRepository".equals(in.kind())) {
            return AdmissionDecision.deny(GateDecision.Reasons.INVALID, "this webhook judges " + GROUP
                    + " OCIRepository objects, got " + in.group() + "/" + in.version() + " " + in.kind()
                    + "; check the webhook configuration's rules");
        }
        if ("UPDATE".equals(in.operation()) && in.oldObject() != null
                && Objects.equals(in.object().get("spec"), in.oldObject().get("spec"))) {
            return AdmissionDecision.allow("Bypassed", "spec unchanged", List.of());
        }
        OciSource.Parsed parsed = OciSource.from(in.object());
        if (parsed instanceof OciSource.Invalid invalid) {
            return AdmissionDecision.deny(GateDecision.Reasons.INVALID, "OCIRepository " + in.namespace() + "/"
                    + in.name() + " is invalid: " + String.join("; ",
                    invalid.violations().stream().map(FieldViolation::toString).toList()));
        }
        RegistryWait wait = new RegistryWait();
        AdmissionDecision decision = toAdmission(gate.decide(((OciSource.Valid) parsed).source(), deadline, false, wait));
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
