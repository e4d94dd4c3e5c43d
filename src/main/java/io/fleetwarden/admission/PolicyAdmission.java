package io.fleetwarden.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.gate.PolicySnapshot;
import io.fleetwarden.gate.Uncovered;
import io.fleetwarden.policy.PolicyDocuments;
import java.util.List;

/**
 * {@code /validate/policy}: an {@code ArtifactPolicy} or {@code TenancyPolicy} that does not compile is
 * rejected with every violation and its field path, so a broken policy never reaches the cluster (where
 * it would be skipped, leaving its sources uncovered).
 */
public final class PolicyAdmission implements AdmissionHandler {

    @Override
    public AdmissionDecision handle(AdmissionInput in) {
        if ("DELETE".equals(in.operation()) || in.subResource() != null) {
            return AdmissionDecision.allow("Bypassed", "not a change of the policy", List.of());
        }
        JsonNode object = in.object();
        // The object is JSON, which is YAML: the same strict reader as policy files (unknown fields are errors).
        List<PolicyDocuments.Parsed> parsed = PolicyDocuments.parse(in.kind() + " " + in.name(), object.toString());
        PolicySnapshot compiled = PolicySnapshot.compile(0, parsed, Uncovered.DENY);
        if (parsed.isEmpty()) {
            return AdmissionDecision.deny("Invalid", "not a fleetwarden.io policy: " + in.group() + "/" + in.kind());
        }
        if (!compiled.problems().isEmpty()) {
            return AdmissionDecision.deny("Invalid", "fleetwarden: " + String.join("; ", compiled.problems()));
        }
        return AdmissionDecision.allow("Valid", in.kind() + " " + in.name() + " compiles", List.of());
    }
}
