package io.fleetwarden.gate;

import io.fleetwarden.oci.OciReference;
import io.fleetwarden.policy.CompiledPolicy;
import io.fleetwarden.policy.PolicyCompiler;
import io.fleetwarden.policy.PolicyDocuments;
import io.fleetwarden.tenancy.TenancyCompiler;
import io.fleetwarden.tenancy.TenancyRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
 */
public record PolicySnapshot(long generation, List<CompiledPolicy> policies, TenancyRules tenancy,
        Uncovered uncovered, List<String> problems) {

    /** Why tenant namespaces are refused when the cluster has no TenancyPolicy. */
    public static final String NO_TENANCY_POLICY = "no TenancyPolicy defines what tenants may use (sources, refs, "
            + "target namespaces), so nothing is admitted in tenant namespaces; apply one (see docs/tenancy.md)";

    public PolicySnapshot {
        policies = List.copyOf(policies);
        problems = List.copyOf(problems);
    }

    public static PolicySnapshot empty(Uncovered uncovered) {
        return new PolicySnapshot(0, List.of(), TenancyRules.undefined(NO_TENANCY_POLICY), uncovered, List.of());
    }

    /**
     * The same policies under a new generation: something they depend on changed (a trusted root was loaded,
     * replaced or removed), so decisions cached under the old generation must not be reused.
     */
    public PolicySnapshot withGeneration(long next) {
        return new PolicySnapshot(next, policies, tenancy, uncovered, problems);
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

    /** Compiles parsed documents; unreadable or invalid ones become {@code problems}. */
    public static PolicySnapshot compile(long generation, List<PolicyDocuments.Parsed> documents, Uncovered uncovered) {
        List<CompiledPolicy> policies = new ArrayList<>();
        List<TenancyRules> tenancy = new ArrayList<>();
        List<String> tenancySources = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (PolicyDocuments.Parsed p : documents) {
            if (p instanceof PolicyDocuments.Unreadable u) {
                problems.add(u.source() + ": " + u.message());
            } else if (p instanceof PolicyDocuments.Document d) {
                var result = PolicyCompiler.compile(d.policy().getMetadata().getName(), d.policy().getSpec());
                if (result instanceof PolicyCompiler.Compiled c) {
                    policies.add(c.policy());
                } else {
                    problems.add(d.source() + ": " + ((PolicyCompiler.Invalid) result).summary());
                }
            } else if (p instanceof PolicyDocuments.TenancyDocument t) {
                var result = TenancyCompiler.compile(t.policy().getMetadata().getName(), t.policy().getSpec());
                if (result instanceof TenancyCompiler.Compiled c) {
                    tenancy.add(c.rules());
                    tenancySources.add(t.source());
                } else {
                    problems.add(t.source() + ": " + ((TenancyCompiler.Invalid) result).summary());
                }
            }
        }
        if (tenancy.size() > 1) {
            // Two sets of tenancy rules cannot both be in force; rather than guess, keep the defaults' stricter
            // reading and say so.
            problems.add("more than one TenancyPolicy (" + String.join(", ", tenancySources)
                    + "): only one may exist; D2 defaults apply until one is removed");
            tenancy.clear();
        }
        policies.sort(Comparator.comparing(CompiledPolicy::name));
        return new PolicySnapshot(generation, policies, tenancy.isEmpty() ? TenancyRules.undefined(NO_TENANCY_POLICY) : tenancy.get(0),
                uncovered, problems);
    }

}
