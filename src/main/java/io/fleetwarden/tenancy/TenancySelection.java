package io.fleetwarden.tenancy;

import io.fleetwarden.api.v1alpha1.TenancyPolicySpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which {@code TenancyPolicy} is in force, pure: from the policies that exist now and the one in force before.
 *
 * <p>At most one may exist (the policy webhook refuses a second), but two can exist for a while: one applied
 * while fleetwarden was down, or two replicas admitting at once. A product must never fall back to built-in
 * rules then, nor switch to whichever object arrived last:
 * <ul>
 * <li>the policy in force stays in force (the <em>incumbent</em>, by uid); without one, the oldest policy
 *     ({@code creationTimestamp}, then name) that compiles is chosen; every other policy is reported as a
 *     {@code Conflict} in its status and ignored until one of them is deleted;</li>
 * <li>an update of the policy in force that does not compile leaves its <b>last good</b> compiled rules in force
 *     (status {@code Invalid}, naming the generation still in force). Only a replica that has never seen a good
 *     generation (started after the bad update) has none, and then refuses tenant objects: fail closed;</li>
 * <li>no policy, or none that ever compiled: {@link TenancyRules#undefined}, every tenant object refused.</li>
 * </ul>
 */
public final class TenancySelection {

    private TenancySelection() {
    }

    /** One TenancyPolicy as stored; {@code uid} and {@code createdAt} are null for policies read from files. */
    public record Candidate(String name, String uid, String createdAt, Long generation, TenancyPolicySpec spec) {
    }

    /** Compiled rules in force and the policy generation they came from. */
    public record InForce(TenancyRules rules, String name, String uid, Long generation) {
    }

    /** What a policy's status should say. */
    public record Status(boolean ready, String reason, String message) {
    }

    /**
     * @param inForce the rules in force, or null when none is (then {@code rules} refuses tenant objects)
     * @param statuses per policy name, in the order given
     * @param problems one line per policy not in force, for logs and {@code check}
     */
    public record Result(TenancyRules rules, InForce inForce, Map<String, Status> statuses, List<String> problems) {
        public Result {
            statuses = Map.copyOf(statuses);
            problems = List.copyOf(problems);
        }
    }

    public static Result select(List<Candidate> candidates, InForce previous, String noPolicy) {
        Map<String, TenancyCompiler.Result> compiled = new LinkedHashMap<>();
        candidates.forEach(c -> compiled.put(c.name(), TenancyCompiler.compile(c.name(), c.spec())));
        Candidate incumbent = previous == null ? null : candidates.stream()
                .filter(c -> previous.uid() != null ? previous.uid().equals(c.uid()) : previous.name().equals(c.name()))
                .findFirst().orElse(null);
        InForce next;
        if (incumbent != null) {
            next = compiled.get(incumbent.name()) instanceof TenancyCompiler.Compiled c
                    ? new InForce(c.rules(), incumbent.name(), incumbent.uid(), incumbent.generation()) : previous;
        } else {
            next = candidates.stream().sorted(Comparator.comparing((Candidate c) -> Objects.requireNonNullElse(
                    c.createdAt(), "")).thenComparing(Candidate::name))
                    .filter(c -> compiled.get(c.name()) instanceof TenancyCompiler.Compiled)
                    .map(c -> new InForce(((TenancyCompiler.Compiled) compiled.get(c.name())).rules(), c.name(), c.uid(),
                            c.generation()))
                    .findFirst().orElse(null);
        }
        Map<String, Status> statuses = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Candidate c : candidates) {
            TenancyCompiler.Result r = compiled.get(c.name());
            String invalid = r instanceof TenancyCompiler.Invalid i ? i.summary() : null;
            boolean isInForce = next != null && c.name().equals(next.name());
            Status s;
            if (isInForce && invalid == null) {
                List<String> others = candidates.stream().map(Candidate::name).filter(n -> !n.equals(c.name())).toList();
                s = new Status(true, "Compiled", "compiled and in force" + (others.isEmpty() ? "" : "; ignored, "
                        + "since only one TenancyPolicy may exist: " + String.join(", ", others)));
            } else if (isInForce) {
                s = new Status(false, "Invalid", invalid + "; generation " + next.generation()
                        + " (the last good one) stays in force");
            } else if (next != null) {
                s = new Status(false, "Conflict", "only one TenancyPolicy may exist and " + next.name() + " is in "
                        + "force; this one is ignored until one of them is deleted" + (invalid == null ? "" : "; " + invalid));
            } else {
                s = new Status(false, "Invalid", invalid + "; no tenant object is admitted until a TenancyPolicy compiles");
            }
            statuses.put(c.name(), s);
            if (!s.ready()) {
                problems.add("TenancyPolicy " + c.name() + ": " + s.message());
            }
        }
        if (next != null) {
            return new Result(next.rules(), next, statuses, problems);
        }
        String why = candidates.isEmpty() ? noPolicy : "no TenancyPolicy in force: " + String.join("; ", problems)
                + "; nothing is admitted in tenant namespaces until one compiles";
        return new Result(TenancyRules.undefined(why), null, statuses, problems);
    }
}
