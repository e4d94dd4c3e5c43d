package io.fleetwarden.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.policy.PolicyDocuments;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /validate/policy}: an {@code ArtifactPolicy} or {@code TenancyPolicy} that does not compile is
 * rejected with every violation and its field path, so a broken policy never reaches the cluster (where
 * it would be skipped, leaving its sources uncovered). A second {@code TenancyPolicy} is refused.
 */
public final class PolicyAdmission implements AdmissionHandler {

    private final Supplier<List<String>> tenancyPolicies;

    /** @param tenancyPolicies names of the TenancyPolicy objects in the cluster now (the informer's store) */
    public PolicyAdmission(Supplier<List<String>> tenancyPolicies) {
        this.tenancyPolicies = tenancyPolicies;
    }

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
        if ("TenancyPolicy".equals(in.kind())) {
            // One set of tenancy rules: a second policy would leave it open which one a tenant is held to. Flux
            // applies a renamed file's new object before it prunes the old one, so a rename is refused here too:
            // keep metadata.name when moving the file (docs/tenancy.md).
            List<String> others = tenancyPolicies.get().stream().filter(n -> !n.equals(in.name())).sorted().toList();
            if (!others.isEmpty()) {
                return AdmissionDecision.deny("Conflict", "fleetwarden: TenancyPolicy " + String.join(", ", others)
                        + " already exists and only one TenancyPolicy may exist; change that one instead of adding "
                        + in.name() + " (to rename it, keep its metadata.name or delete it first)");
            }
        }
        if (!compiled.problems().isEmpty()) {
            return AdmissionDecision.deny("Invalid", "fleetwarden: " + String.join("; ", compiled.problems()));
        }
        return AdmissionDecision.allow("Valid", in.kind() + " " + in.name() + " compiles", List.of());
    }
}
