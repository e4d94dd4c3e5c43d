package io.fleetwarden.platform;

import io.fleetwarden.oci.OciReference;
import io.fleetwarden.policy.CompiledPolicy;
import io.fleetwarden.policy.FieldViolation;
import io.fleetwarden.policy.PolicyCompiler;
import io.fleetwarden.policy.PolicyDocuments;
import io.fleetwarden.tenancy.TenancyCompiler;
import io.fleetwarden.tenancy.TenancySelection;
import io.fleetwarden.tenancy.TenancyRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Every policy in force, compiled once and immutable: the admission path reads a snapshot without locks,
 * and a reload swaps in a new one. {@code generation} grows with every reload, so cached decisions made
 * under older policies are never reused.
 *
 * <p>A document that does not compile is left out and listed in {@code problems} (admission rejects such
 * a document before it is stored; one that slipped in, e.g. applied while fleetwarden was down, must not
 * take the other policies with it).
 *
 * @param tenancy the one {@code TenancyPolicy} in force, or {@link TenancyRules#undefined} rules that refuse
 *        every object in a tenant namespace when there is none (fail closed)
 * @param tenancySelection which TenancyPolicy is in force and what each one's status should say
 * @param notInForce the ArtifactPolicies left out because they do not compile, with the sources they name
 */
public record PolicySnapshot(long generation, List<CompiledPolicy> policies, TenancyRules tenancy,
        Uncovered uncovered, List<String> problems, TenancySelection.Result tenancySelection,
        List<PolicyNotInForce> notInForce) {

    /** Why tenant namespaces are refused when the cluster has no TenancyPolicy. */
    public static final String NO_TENANCY_POLICY = "no TenancyPolicy defines what tenants may use (sources, refs, "
            + "target namespaces), so nothing is admitted in tenant namespaces; apply one (see docs/tenancy.md)";

    public PolicySnapshot {
        policies = List.copyOf(policies);
        problems = List.copyOf(problems);
        notInForce = List.copyOf(notInForce);
    }

    public static PolicySnapshot empty(Uncovered uncovered) {
        TenancySelection.Result none = TenancySelection.select(List.of(), null, NO_TENANCY_POLICY);
        return new PolicySnapshot(0, List.of(), none.rules(), uncovered, List.of(), none, List.of());
    }

    /**
     * The same policies under a new generation: something they depend on changed (a trusted root was loaded,
     * replaced or removed), so decisions cached under the old generation must not be reused.
     */
    public PolicySnapshot withGeneration(long next) {
        return new PolicySnapshot(next, policies, tenancy, uncovered, problems, tenancySelection, notInForce);
    }

    /**
     * The policies covering {@code ref} in a namespace with the given labels.
     *
     * @param namespaceLabels asked only when a policy whose sources match has a namespace selector (most
     *                        have none, and a lookup may cost an API read); its answer is null when unknown
     */
    public List<CompiledPolicy> covering(OciReference ref, Supplier<Map<String, String>> namespaceLabels) {
        List<CompiledPolicy> bySource = policies.stream().filter(p -> p.coversSource(ref)).toList();
        if (bySource.stream().allMatch(p -> p.namespaceSelector() == null)) {
            return bySource;
        }
        Map<String, String> labels = namespaceLabels.get();
        return bySource.stream().filter(p -> p.selects(labels)).toList();
    }

    /** The policies not in force that name {@code ref}'s repository: while there is one, it is refused. */
    public List<PolicyNotInForce> notInForceNaming(OciReference ref) {
        return notInForce.stream().filter(p -> p.names(ref)).toList();
    }

    /** Compiles parsed documents; unreadable or invalid ones become {@code problems}. */
    public static PolicySnapshot compile(long generation, List<PolicyDocuments.Parsed> documents, Uncovered uncovered) {
        return compile(generation, documents, uncovered, null);
    }

    /**
     * @param tenancyInForce the TenancyPolicy rules in force until now (kept when their policy's update does not
     *                       compile, and preferred when two policies exist), or null
     */
    public static PolicySnapshot compile(long generation, List<PolicyDocuments.Parsed> documents, Uncovered uncovered,
            TenancySelection.InForce tenancyInForce) {
        List<CompiledPolicy> policies = new ArrayList<>();
        List<TenancySelection.Candidate> tenancy = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<PolicyNotInForce> notInForce = new ArrayList<>();
        for (PolicyDocuments.Parsed p : documents) {
            if (p instanceof PolicyDocuments.Unreadable u) {
                problems.add(u.source() + ": " + u.message());
            } else if (p instanceof PolicyDocuments.Document d) {
                var result = PolicyCompiler.compile(d);
                if (result instanceof PolicyCompiler.Compiled c) {
                    policies.add(c.policy());
                } else {
                    PolicyCompiler.Invalid invalid = (PolicyCompiler.Invalid) result;
                    problems.add(d.source() + ": " + invalid.summary(d.positions()));
                    notInForce.add(new PolicyNotInForce(invalid.name(), invalid.sources(), invalid.summary(d.positions())));
                }
            } else if (p instanceof PolicyDocuments.TenancyDocument t) {
                var m = t.policy().getMetadata();
                Optional<String> unusable = unusable(t);
                if (unusable.isPresent()) {
                    problems.add(unusable.get());
                    continue;
                }
                tenancy.add(new TenancySelection.Candidate(m.getName(), m.getUid(), m.getCreationTimestamp(),
                        m.getGeneration(), t.policy().getSpec()));
            }
        }
        TenancySelection.Result selected = TenancySelection.select(tenancy, tenancyInForce, NO_TENANCY_POLICY);
        problems.addAll(selected.problems());
        policies.sort(Comparator.comparing(CompiledPolicy::name));
        notInForce.sort(Comparator.comparing(PolicyNotInForce::name));
        return new PolicySnapshot(generation, policies, selected.rules(), uncovered, problems, selected, notInForce);
    }

    /**
     * Why a TenancyPolicy is not even a candidate: it has fields that could not be read (an ignored field could widen
     * it), or it comes from a file and does not compile. The cluster's last good generation, which an invalid update
     * leaves in force, is {@link TenancySelection}'s; a file has none, and its problem is told with its lines.
     */
    private static Optional<String> unusable(PolicyDocuments.TenancyDocument t) {
        if (t.readViolations().isEmpty() && !t.positions().located()) {
            return Optional.empty();
        }
        String name = t.policy().getMetadata().getName();
        TenancyCompiler.Result r = TenancyCompiler.compile(name, t.policy().getSpec());
        if (t.readViolations().isEmpty() && r instanceof TenancyCompiler.Compiled) {
            return Optional.empty();
        }
        List<FieldViolation> all = FieldViolation.withRead(t.readViolations(),
                r instanceof TenancyCompiler.Invalid i ? i.violations() : List.of());
        return Optional.of(t.source() + ": " + new TenancyCompiler.Invalid(name, all).summary(t.positions()));
    }
}
