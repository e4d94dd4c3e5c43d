package io.fleetwarden.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.gate.DecisionCache;
import io.fleetwarden.gate.GateDecision;
import io.fleetwarden.source.OciSource;
import io.fleetwarden.gate.OciSourceGate;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.policy.CompiledPolicy;
import io.fleetwarden.policy.FluxVerifySpec;
import io.fleetwarden.policy.PolicyDocuments;
import io.fleetwarden.policy.SpecPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The exact spec check ({@link SpecPolicy}) for a D2 production OCIRepository under policies/production:
 * cold (every automaton built, as on the first review of a spec or after a policy change) for the correct
 * spec and for a looser one (which also searches the witness), and cached (the gate's offline decision,
 * whose spec check is answered from its cache). Usage: SpecCheckBench [iterations]
 */
public final class SpecCheckBench {

    static final String ISSUER = "^https://token\\.actions\\.githubusercontent\\.com$";
    static final String RELEASE = "^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/"
            + "release-artifact\\.yaml@refs/tags/.*$";
    static final String LOOSE = "^https://github\\.com/controlplaneio-fluxcd[a-z-]*/d2-apps/\\.github/workflows/"
            + "release-artifact\\.yaml@refs/tags/.*$";

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        List<PolicyDocuments.Parsed> docs = new ArrayList<>();
        for (Path f : Files.list(Path.of("policies", "production")).sorted().toList()) {
            docs.addAll(PolicyDocuments.parse(f.toString(), Files.readString(f)));
        }
        PolicySnapshot snapshot = PolicySnapshot.compile(1, docs, Uncovered.DENY);
        List<CompiledPolicy> apps = snapshot.policies().stream().filter(p -> p.name().equals("d2-apps-production")).toList();
        FluxVerifySpec good = spec(RELEASE);
        FluxVerifySpec loose = spec(LOOSE);
        check(SpecPolicy.check(good, apps).isEmpty(), "the D2 spec must be allowed");
        check(!SpecPolicy.check(loose, apps).isEmpty(), "the loose spec must be denied");
        System.out.println("java " + System.getProperty("java.version") + ", "
                + Runtime.getRuntime().availableProcessors() + " cpus");
        System.out.println(Stats.measure(n / 4, n, () -> SpecPolicy.check(good, apps)).row("spec check, cold: D2 spec, allowed"));
        System.out.println(Stats.measure(n / 4, n, () -> SpecPolicy.check(loose, apps)).row("spec check, cold: loose spec, denied with witness"));

        OciSourceGate gate = new OciSourceGate(() -> snapshot, (s, d) -> {
            throw new IllegalStateException("offline");
        }, null, DecisionCache.defaults());
        OciSource source = ((OciSource.Valid) OciSource.from(new ObjectMapper().readTree("""
                {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"OCIRepository",
                 "metadata":{"name":"frontend","namespace":"apps"},
                 "spec":{"url":"oci://ghcr.io/controlplaneio-fluxcd/d2-apps/frontend","ref":{"semver":"*"},
                  "verify":{"provider":"cosign","matchOIDCIdentity":[{"issuer":"%s","subject":"%s"}]}}}
                """.formatted(ISSUER.replace("\\", "\\\\"), RELEASE.replace("\\", "\\\\"))))).source();
        check(gate.decide(source, Deadline.after(Duration.ofSeconds(5)), true) instanceof GateDecision.Allowed,
                "the gate must allow the D2 spec offline");
        System.out.println(Stats.measure(n / 4, n, () -> gate.decide(source, Deadline.after(Duration.ofSeconds(5)), true))
                .row("gate decision (offline), spec check cached"));
    }

    private static FluxVerifySpec spec(String subject) {
        return new FluxVerifySpec("cosign", List.of(new FluxVerifySpec.Identity(ISSUER, subject)), null);
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
