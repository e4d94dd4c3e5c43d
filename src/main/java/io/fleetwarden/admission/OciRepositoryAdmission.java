package io.fleetwarden.admission;

import io.fleetwarden.gate.GateDecision;
import io.fleetwarden.source.OciSource;
import io.fleetwarden.gate.OciSourceGate;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.policy.FieldViolation;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

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

    private final OciSourceGate gate;
    private final Duration budget;

    public OciRepositoryAdmission(OciSourceGate gate, Duration budget) {
        this.gate = gate;
        this.budget = budget;
    }

    @Override
    public AdmissionDecision handle(AdmissionInput in) {
        Deadline deadline = Deadline.after(budget);
        Optional<AdmissionDecision> bypassed = SourceAdmissions.notAPullChange(in);
        if (bypassed.isPresent()) {
            return bypassed.get();
        }
        if (!SourceAdmissions.SOURCE_GROUP.equals(in.group()) || !"OCIRepository".equals(in.kind())) {
            return SourceAdmissions.wrongKind(SourceAdmissions.SOURCE_GROUP + " OCIRepository", in);
        }
        Optional<AdmissionDecision> unchanged = SourceAdmissions.unchanged(in, in.oldObject() != null
                && Objects.equals(in.object().get("spec"), in.oldObject().get("spec")), "spec");
        if (unchanged.isPresent()) {
            return unchanged.get();
        }
        OciSource.Parsed parsed = OciSource.from(in.object());
        if (parsed instanceof OciSource.Invalid invalid) {
            return AdmissionDecision.deny(GateDecision.Reasons.INVALID, "OCIRepository " + in.namespace() + "/"
                    + in.name() + " is invalid: " + String.join("; ",
                    invalid.violations().stream().map(FieldViolation::toString).toList()));
        }
        return SourceAdmissions.judged(wait -> gate.decide(((OciSource.Valid) parsed).source(), deadline, false, wait));
    }
}
