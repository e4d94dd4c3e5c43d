package io.fleetwarden.admission;

import io.fleetwarden.gate.HelmChartGate;
import io.fleetwarden.oci.Deadline;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

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
        Optional<AdmissionDecision> bypassed = SourceAdmissions.notAPullChange(in);
        if (bypassed.isPresent()) {
            return bypassed.get();
        }
        if (!SourceAdmissions.SOURCE_GROUP.equals(in.group()) || !"HelmRepository".equals(in.kind())) {
            return SourceAdmissions.wrongKind(SourceAdmissions.SOURCE_GROUP + " HelmRepository", in);
        }
        Optional<AdmissionDecision> unchanged = SourceAdmissions.unchanged(in, in.oldObject() != null
                && Objects.equals(in.object().get("spec"), in.oldObject().get("spec")), "spec");
        if (unchanged.isPresent()) {
            return unchanged.get();
        }
        return SourceAdmissions.judged(wait -> gate.decideRepository(in.object(), deadline, wait));
    }
}
