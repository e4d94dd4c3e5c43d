package io.fleetwarden.gate;

import io.fleetwarden.oci.OciReference;
import io.fleetwarden.policy.CompiledPolicy;
import io.fleetwarden.verify.CheckFailure;
import io.fleetwarden.verify.VerificationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Combines the verdicts of every covering policy (all must pass): an Enforce policy that is not satisfied
 * denies; a Warn policy adds a warning; an infrastructure failure under an Enforce policy is
 * {@link GateDecision.Unavailable}, never a denial for policy reasons and never an admission.
 */
final class Verdicts {

    static final int MAX_FAILURES_SHOWN = 6;

    private Verdicts() {
    }

    /** @param cache read after every policy was verified: whether the verdicts came from the cache */
    static GateDecision combine(OciReference ref, List<CompiledPolicy> policies, List<String> warnings,
            Function<CompiledPolicy, VerificationResult> verify, Supplier<String> cache) {
        String subject = "oci://" + ref;
        List<String> allowedBy = new ArrayList<>();
        List<String> warnedBy = new ArrayList<>();
        List<String> out = new ArrayList<>(warnings);
        for (CompiledPolicy p : policies) {
            VerificationResult r = verify.apply(p);
            boolean enforce = p.mode() == CompiledPolicy.Mode.ENFORCE;
            if (r instanceof VerificationResult.Verified v) {
                // Signatures passed over (unreadable referrers) are reported, so that a broken entry is noticed.
                allowedBy.add(p.name() + " (authority " + v.authority() + ", " + v.signature()
                        + (v.skipped().isEmpty() ? "" : "; skipped: " + String.join("; ", v.skipped())) + ")");
            } else if (r instanceof VerificationResult.NotVerified n) {
                String message = subject + " is not signed as policy " + p.name() + " requires: " + failures(n);
                if (enforce) {
                    return new GateDecision.Denied(GateDecision.Reasons.POLICY_DENIED, message, cache.get(),
                            List.of(p.name()));
                }
                out.add("Warn: " + message);
                warnedBy.add(p.name());
            } else {
                String message = "could not verify " + subject + " for policy " + p.name() + ": "
                        + ((VerificationResult.Unavailable) r).reason();
                if (enforce) {
                    return new GateDecision.Unavailable(GateDecision.Reasons.UNAVAILABLE, message + "; nothing was "
                            + "admitted, retry when the registry is reachable", cache.get());
                }
                out.add("Warn: " + message);
                warnedBy.add(p.name());
            }
        }
        String reason = out.isEmpty() ? GateDecision.Reasons.VERIFIED : GateDecision.Reasons.WARNED;
        return new GateDecision.Allowed(reason, admitted(subject, allowedBy, warnedBy), out, ref.digest(), cache.get());
    }

    /**
     * What admitted the artifact: the policies that verified it, and those in mode Warn that did not (what failed is
     * in their warnings, worded as an Enforce policy's denial).
     */
    static String admitted(String subject, List<String> allowedBy, List<String> warnedBy) {
        String verified = subject + " verified by " + String.join(", ", allowedBy);
        if (warnedBy.isEmpty()) {
            return verified;
        }
        boolean one = warnedBy.size() == 1;
        String policies = String.join(", ", warnedBy);
        return (allowedBy.isEmpty() ? subject + " is not verified" : verified + ", but not") + " as polic"
                + (one ? "y " + policies + " requires" : "ies " + policies + " require") + ": admitted because "
                + (one ? "it is" : "they are") + " in mode Warn, which warns instead of denying";
    }

    static String failures(VerificationResult.NotVerified n) {
        List<String> shown = new ArrayList<>();
        for (CheckFailure f : n.failures()) {
            if (shown.size() == MAX_FAILURES_SHOWN) {
                shown.add("(" + (n.failures().size() - MAX_FAILURES_SHOWN) + " more)");
                break;
            }
            shown.add(f.check() + " [" + f.signature() + "]: " + f.message());
        }
        return String.join("; ", shown);
    }
}
