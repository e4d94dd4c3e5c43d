package io.fleetwarden.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.gate.HelmChartGate;
import io.fleetwarden.oci.Deadline;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code /validate/helmchart}: every CREATE or UPDATE of a Flux {@code HelmChart} (source.toolkit.fluxcd.io v1,
 * v1beta2) or {@code HelmRelease} (helm.toolkit.fluxcd.io v2, v2beta1, v2beta2) whose chart comes from an OCI
 * {@code HelmRepository} goes through the {@link HelmChartGate} under one deadline shorter than the webhook's
 * timeout. A {@code HelmRelease} is judged by the {@code HelmChart} it makes helm-controller create, before it
 * exists; that chart is judged again when it is created.
 *
 * <p>Not in the way, as for {@code OCIRepository}: deletions, status updates, and updates that leave what is
 * pulled unchanged ({@code spec} of a {@code HelmChart}; {@code spec.chart} and {@code spec.chartRef} of a
 * {@code HelmRelease}, so a change of values does not call a registry).
 */
public final class HelmChartAdmission implements AdmissionHandler {

    static final String HELM_GROUP = "helm.toolkit.fluxcd.io";

    private final HelmChartGate gate;
    private final Duration budget;

    public HelmChartAdmission(HelmChartGate gate, Duration budget) {
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
        boolean chart = SourceAdmissions.SOURCE_GROUP.equals(in.group()) && "HelmChart".equals(in.kind());
        boolean release = HELM_GROUP.equals(in.group()) && "HelmRelease".equals(in.kind());
        if (!chart && !release) {
            return SourceAdmissions.wrongKind(SourceAdmissions.SOURCE_GROUP + " HelmChart and " + HELM_GROUP
                    + " HelmRelease", in);
        }
        Optional<AdmissionDecision> unchanged = SourceAdmissions.unchanged(in, in.oldObject() != null
                && samePull(in.object(), in.oldObject(), release), release ? "chart" : "spec");
        if (unchanged.isPresent()) {
            return unchanged.get();
        }
        return SourceAdmissions.judged(wait -> gate.decide(in.kind(), in.object(), deadline, false, wait));
    }

    private static boolean samePull(JsonNode object, JsonNode old, boolean release) {
        if (!release) {
            return Objects.equals(object.get("spec"), old.get("spec"));
        }
        JsonNode spec = object.path("spec");
        JsonNode oldSpec = old.path("spec");
        return Objects.equals(spec.get("chart"), oldSpec.get("chart"))
                && Objects.equals(spec.get("chartRef"), oldSpec.get("chartRef"));
    }
}
