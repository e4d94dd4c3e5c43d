package io.fleetwarden.admission;

import io.fleetwarden.gate.GateDecision;
import io.fleetwarden.gate.HelmChartGate;
import io.fleetwarden.gate.RegistryWait;
import io.fleetwarden.oci.Deadline;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code /validate/helmrepository}: a {@code HelmRepository} (source.toolkit.fluxcd.io v1, v1beta2) created or
 * given a new spec is where the charts that name it start being pulled from, so every {@code HelmChart} naming it
 * is judged against it ({@link HelmChartGate#decideRepository}): a URL moved to an unsigned path, or a repository
 * created after a chart that was admitted while it did not exist, is refused while a chart would be.
 */
public final class HelmRepositoryAdmission implements AdmissionHandler {

    private final HelmChartGate gate;
    private final Duration budget;

    public HelmRepositoryAdmission(HelmChartGate gate, Duration budget) {
        this.gate = gate;
        this.budget = budget;
    }

    @Override
    public AdmissionDecision handle(AdmissionInput in) {
        Deadline deadline = Deadline.after(budget);
        if ("DELETE".equals(in.operation()) || in.subResource() != null) {
            return AdmissionDecision.allow("Bypassed", "not a change of what is pulled", List.of());
        }
        if (!OciRepositoryAdmission.GROUP.equals(in.group()) || !"HelmRepository".equals(in.kind())) {
            return AdmissionDecision.deny(GateDecision.Reasons.INVALID, "this webhook judges "
                    + OciRepositoryAdmission.GROUP + " HelmRepository objects, got " + in.group() + "/" + in.version()
                    + " " + in.kind() + "; check the webhook configuration's rules");
        }
        if ("UPDATE".equals(in.operation()) && in.oldObject() != null
                && Objects.equals(in.object().get("spec"), in.oldObject().get("spec"))) {
            return AdmissionDecision.allow("Bypassed", "spec unchanged", List.of());
        }
        RegistryWait wait = new RegistryWait();
        AdmissionDecision decision = OciRepositoryAdmission.toAdmission(gate.decideRepository(in.object(), deadline,
                wait));
        long waited = wait.nanos();
        return waited > 0 ? decision.withRegistryWait(waited) : decision;
    }
}
