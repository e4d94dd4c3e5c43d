package io.fleetwarden.gate;

import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.platform.PolicySnapshot;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.admission.AdmissionDecision;
import io.fleetwarden.admission.AdmissionInput;
import io.fleetwarden.admission.PolicyAdmission;
import io.fleetwarden.api.v1alpha1.LabelSelectorSpec;
import io.fleetwarden.api.v1alpha1.TenancyPolicy;
import io.fleetwarden.api.v1alpha1.TenancyPolicySpec;
import io.fleetwarden.api.v1alpha1.TenantSpec;
import io.fleetwarden.policy.PolicyDocuments;
import io.fleetwarden.tenancy.TenancySelection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two TenancyPolicies, or an update that does not compile, never leave the cluster on built-in rules: the policy
 * in force stays (its last good generation), the other is reported as a conflict, and the policy webhook refuses
 * a second one.
 */
class TenancyInForceTest {

    static TenancyPolicy policy(String name, String uid, String created, long generation, String source) {
        TenantSpec t = new TenantSpec();
        t.namespaceSelector = new LabelSelectorSpec();
        t.sources = List.of(source);
        TenancyPolicy p = new TenancyPolicy();
        p.getMetadata().setName(name);
        p.getMetadata().setUid(uid);
        p.getMetadata().setCreationTimestamp(created);
        p.getMetadata().setGeneration(generation);
        p.setSpec(new TenancyPolicySpec());
        p.getSpec().tenants = List.of(t);
        return p;
    }

    static PolicySnapshot load(PolicySnapshot before, TenancyPolicy... policies) {
        List<PolicyDocuments.Parsed> docs = new ArrayList<>();
        for (TenancyPolicy p : policies) {
            docs.add(new PolicyDocuments.TenancyDocument("TenancyPolicy " + p.getMetadata().getName(), p));
        }
        return PolicySnapshot.compile(before.generation() + 1, docs, Uncovered.DENY,
                before.tenancySelection().inForce());
    }

    static final PolicySnapshot NONE = PolicySnapshot.empty(Uncovered.DENY);
    static final TenancyPolicy ACME = policy("acme", "u1", "2026-01-01T00:00:00Z", 1, "oci://ghcr.io/acme/*");
    static final TenancyPolicy RENAMED = policy("acme-renamed", "u2", "2026-02-01T00:00:00Z", 1, "oci://ghcr.io/other/*");

    @Test
    void anUpdateThatDoesNotCompileKeepsTheLastGoodRulesInForce() {
        PolicySnapshot good = load(NONE, ACME);
        assertThat(good.tenancy().name()).isEqualTo("acme");
        TenancyPolicy broken = policy("acme", "u1", "2026-01-01T00:00:00Z", 2, "ftp://nowhere/x");
        PolicySnapshot after = load(good, broken);
        assertThat(after.tenancy().defined()).isTrue();
        assertThat(after.tenancy()).isSameAs(good.tenancy());
        assertThat(after.tenancySelection().statuses().get("acme")).satisfies(s -> {
            assertThat(s.ready()).isFalse();
            assertThat(s.reason()).isEqualTo("Invalid");
            assertThat(s.message()).contains("spec.tenants[0].sources[0]", "generation 1 (the last good one) stays in force");
        });
        // fixed: the new generation takes over
        PolicySnapshot fixed = load(after, policy("acme", "u1", "2026-01-01T00:00:00Z", 3, "oci://ghcr.io/acme2/*"));
        assertThat(fixed.tenancySelection().inForce().generation()).isEqualTo(3L);
        assertThat(fixed.tenancySelection().statuses().get("acme").ready()).isTrue();
    }

    @Test
    void twoPoliciesKeepTheOneInForceAndReportTheConflict() {
        PolicySnapshot one = load(NONE, ACME);
        PolicySnapshot two = load(one, RENAMED, ACME);
        assertThat(two.tenancy().name()).isEqualTo("acme");
        assertThat(two.tenancySelection().statuses().get("acme-renamed")).satisfies(s -> {
            assertThat(s.ready()).isFalse();
            assertThat(s.reason()).isEqualTo("Conflict");
            assertThat(s.message()).contains("acme is in force");
        });
        assertThat(two.tenancySelection().statuses().get("acme").message())
                .isEqualTo("compiled and in force; ignored, since only one TenancyPolicy may exist: acme-renamed");
        // a replica that starts with both present takes the older one
        assertThat(load(NONE, RENAMED, ACME).tenancy().name()).isEqualTo("acme");
        // once the old one is pruned, the new one is in force
        assertThat(load(two, RENAMED).tenancy().name()).isEqualTo("acme-renamed");
    }

    @Test
    void withoutAGoodGenerationTenantsAreRefusedNeverGivenDefaults() {
        PolicySnapshot broken = load(NONE, policy("acme", "u1", "2026-01-01T00:00:00Z", 1, "ftp://nowhere/x"));
        assertThat(broken.tenancy().defined()).isFalse();
        assertThat(broken.tenancy().tenants()).isEmpty();
        assertThat(broken.tenancy().refusal()).contains("TenancyPolicy acme", "nothing is admitted in tenant namespaces");
        assertThat(load(load(NONE, ACME)).tenancy().refusal()).isEqualTo(PolicySnapshot.NO_TENANCY_POLICY);
    }

    @Test
    void thePolicyWebhookRefusesASecondTenancyPolicy() {
        ObjectNode renamed = new ObjectMapper().valueToTree(RENAMED);
        renamed.remove("status");
        PolicyAdmission admission = new PolicyAdmission(() -> List.of("acme"));
        AdmissionDecision second = admission.handle(input(renamed, "acme-renamed"));
        assertThat(second.allowed()).isFalse();
        assertThat(second.reason()).isEqualTo("Conflict");
        assertThat(second.message()).contains("TenancyPolicy acme already exists");
        ObjectNode same = new ObjectMapper().valueToTree(ACME);
        same.remove("status");
        assertThat(admission.handle(input(same, "acme")).allowed()).as("an update of the one policy").isTrue();
        assertThat(new PolicyAdmission(List::of).handle(input(renamed, "acme-renamed")).allowed()).isTrue();
        assertThat(TenancySelection.select(List.of(), null, "x").rules().refusal()).isEqualTo("x");
    }

    static AdmissionInput input(ObjectNode object, String name) {
        return new AdmissionInput("uid", "CREATE", "fleetwarden.io", "v1alpha1", "TenancyPolicy", null, null, name,
                object, null, "admin", Set.of(), false);
    }
}
