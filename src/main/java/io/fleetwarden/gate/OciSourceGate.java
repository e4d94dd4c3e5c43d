package io.fleetwarden.gate;

import io.fleetwarden.platform.PolicyNotInForce;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.source.RegistryAccess;
import io.fleetwarden.source.OciSource;
import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Descriptor;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.oci.RegistryClient;
import io.fleetwarden.oci.RegistryException;
import io.fleetwarden.policy.CompiledPolicy;
import io.fleetwarden.policy.TagBindingReach;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fleetwarden.policy.FieldViolation;
import io.fleetwarden.policy.FluxVerifySpec;
import io.fleetwarden.policy.SpecPolicy;
import io.fleetwarden.tenancy.NamespaceLabels;
import io.fleetwarden.verify.ArtifactVerifier;
import io.fleetwarden.verify.SignatureVerifier;
import io.fleetwarden.verify.VerificationResult;
import java.util.ArrayList;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides whether an {@code OCIRepository} may point where it points, in order: which policies cover its
 * URL; whether its own {@code spec.verify} is as strict as they are (Flux re-verifies with it at every
 * pull); which artifact its ref names now (digest, highest semver tag, or tag, resolved on every call so
 * a moved tag is noticed); and whether that artifact is signed as every covering policy requires. Shared
 * by the webhook and {@code fleetwarden check}.
 */
public final class OciSourceGate {

    private final Supplier<PolicySnapshot> policies;
    private final RegistryAccess registries;
    private final SignatureVerifier signatures;
    private final DecisionCache cache;
    private final NamespaceLabels namespaces;

    /**
     * The spec check builds automata for the object's patterns and each policy (milliseconds); its answer
     * depends only on the spec and the policy, and a fleet has few distinct specs, so it is computed once per
     * (spec, policy generation, policy).
     */
    private final Cache<SpecKey, List<FieldViolation>> specChecks = Caffeine.newBuilder().maximumSize(1_000)
            .expireAfterAccess(Duration.ofMinutes(30)).build();

    private record SpecKey(FluxVerifySpec spec, long generation, String policy) {
    }

    /** @param namespaces the labels of a source's namespace, for policies with a namespace selector */
    public OciSourceGate(Supplier<PolicySnapshot> policies, RegistryAccess registries, SignatureVerifier signatures,
            DecisionCache cache, NamespaceLabels namespaces) {
        this.policies = policies;
        this.registries = registries;
        this.signatures = signatures;
        this.cache = cache;
        this.namespaces = namespaces;
    }

    /** For callers without namespaces (a source's namespace is then unknown: selectors do not narrow). */
    public OciSourceGate(Supplier<PolicySnapshot> policies, RegistryAccess registries, SignatureVerifier signatures,
            DecisionCache cache) {
        this(policies, registries, signatures, cache, ns -> Optional.empty());
    }

    /** @param offline check only what needs no registry: coverage and the verification spec */
    public GateDecision decide(OciSource source, Deadline deadline, boolean offline) {
        return decide(source, deadline, offline, new RegistryWait());
    }

    /** @param wait receives the time this decision spent waiting for registries */
    public GateDecision decide(OciSource source, Deadline deadline, boolean offline, RegistryWait wait) {
        return decide(source, deadline, offline, wait, true);
    }

    /**
     * An artifact that something other than source-controller pulls and verifies with no {@code spec.verify} of
     * its own (a FluxInstance's distribution artifact, pulled by Flux Operator): judged as an OCIRepository with
     * that URL and ref, coverage and signature, without the check of the object's verification spec.
     */
    public GateDecision decidePulledArtifact(OciSource source, Deadline deadline, boolean offline) {
        return decide(source, deadline, offline, new RegistryWait(), false);
    }

    private GateDecision decide(OciSource source, Deadline deadline, boolean offline, RegistryWait wait,
            boolean holdSpec) {
        try {
            return decideReading(source, deadline, offline, wait, holdSpec);
        } catch (KubernetesApiUnavailable e) {
            // About the API server, not a registry and not the policy: fail closed and say where to look.
            return new GateDecision.Unavailable(GateDecision.Reasons.UNAVAILABLE, "could not judge oci://"
                    + source.repository().repositoryName() + ": " + e.getMessage() + "; nothing was admitted, retry "
                    + "when the Kubernetes API server answers", GateDecision.CACHE_NONE);
        }
    }

    private GateDecision decideReading(OciSource source, Deadline deadline, boolean offline, RegistryWait wait,
            boolean holdSpec) {
        PolicySnapshot snapshot = policies.get();
        String url = "oci://" + source.repository().repositoryName();
        List<PolicyNotInForce> broken = snapshot.notInForceNaming(source.repository());
        if (!broken.isEmpty()) {
            return NotInForce.decide(url, broken);
        }
        List<CompiledPolicy> covering = snapshot.covering(source.repository(), () -> source.namespace() == null ? null
                : namespaces.labelsOf(source.namespace()).orElse(null));
        if (covering.isEmpty()) {
            return Uncovering.decide(snapshot, url);
        }
        List<CompiledPolicy> required = covering.stream().filter(p -> p.mode() != CompiledPolicy.Mode.ALLOW).toList();
        if (required.isEmpty()) {
            return new GateDecision.Allowed(GateDecision.Reasons.ALLOWED_UNSIGNED, url + " is allowed unsigned by policy "
                    + names(covering), List.of(), null, GateDecision.CACHE_NONE);
        }
        List<String> warnings = new ArrayList<>();
        Optional<GateDecision> specDenied = holdSpec
                ? checkSpec(source.verify(), url, required, snapshot.generation(), warnings) : Optional.empty();
        if (specDenied.isPresent()) {
            return specDenied.get();
        }
        if (offline) {
            warnings.add("the artifact's signature was not checked (offline)");
            // What the offline check can still decide: a tag no signature could ever be bound to under a policy.
            if (source.tag() != null) {
                String repository = source.repository().repository();
                String component = repository.substring(repository.lastIndexOf('/') + 1);
                required.forEach(p -> TagBindingReach.unreachable(p, source.tag(), component).ifPresent(warnings::add));
            }
            return new GateDecision.Allowed(GateDecision.Reasons.OFFLINE, url + " passes the offline checks", warnings, null, GateDecision.CACHE_NONE);
        }
        try {
            RegistryClient registry = new TimedRegistryClient(registries.forSource(source, deadline), wait);
            String tag = TagSelection.tag(source, registry, deadline);
            if (tag == null && source.digest() == null) {
                return new GateDecision.Denied(GateDecision.Reasons.NO_MATCHING_TAG, noMatch(source, url),
                        GateDecision.CACHE_NONE, policyNames(required));
            }
            OciReference ref = source.reference(tag);
            Descriptor resolved = registry.resolve(ref, deadline);
            boolean[] missed = {false};
            return Verdicts.combine(ref.withDigest(resolved.digest()), required, warnings,
                    p -> verify(registry, ref.withDigest(resolved.digest()), p, snapshot.generation(), deadline, missed),
                    () -> missed[0] ? GateDecision.CACHE_MISS : GateDecision.CACHE_HIT);
        } catch (RegistryException e) {
            if (e.isNotFound()) {
                return new GateDecision.Denied(GateDecision.Reasons.POLICY_DENIED, url + ": " + e.getMessage(),
                        GateDecision.CACHE_NONE, policyNames(required));
            }
            return new GateDecision.Unavailable(GateDecision.Reasons.UNAVAILABLE, "could not verify " + url + " ("
                    + e.kind().name().toLowerCase() + "): " + e.getMessage() + "; nothing was admitted, retry when the "
                    + "registry is reachable", GateDecision.CACHE_NONE);
        } catch (IllegalArgumentException e) {
            return new GateDecision.Denied(GateDecision.Reasons.INVALID, e.getMessage(), GateDecision.CACHE_NONE);
        }
    }

    /**
     * Holds the object's {@code spec.verify} to each covering policy, as verification does: every one must
     * accept everything the spec accepts. A violated Enforce policy denies; a violated Warn policy warns.
     */
    private Optional<GateDecision> checkSpec(FluxVerifySpec spec, String url, List<CompiledPolicy> required,
            long generation, List<String> warnings) {
        Set<FieldViolation> enforced = new LinkedHashSet<>();
        Set<FieldViolation> warned = new LinkedHashSet<>();
        List<CompiledPolicy> denying = new ArrayList<>();
        List<CompiledPolicy> warning = new ArrayList<>();
        for (CompiledPolicy p : required) {
            List<FieldViolation> v = specChecks.get(new SpecKey(spec, generation, p.name()),
                    k -> SpecPolicy.check(spec, List.of(p)));
            if (v.isEmpty()) {
                continue;
            }
            boolean enforce = p.mode() == CompiledPolicy.Mode.ENFORCE;
            (enforce ? enforced : warned).addAll(v);
            (enforce ? denying : warning).add(p);
        }
        if (!enforced.isEmpty()) {
            return Optional.of(new GateDecision.Denied(GateDecision.Reasons.SPEC_POLICY, "spec.verify of " + url
                    + " is weaker than policy " + names(denying) + ": " + joined(enforced), GateDecision.CACHE_NONE,
                    policyNames(denying)));
        }
        if (!warned.isEmpty()) {
            warnings.add("spec.verify of " + url + " is weaker than policy " + names(warning) + ": " + joined(warned));
        }
        return Optional.empty();
    }

    private static String joined(Set<FieldViolation> violations) {
        return String.join("; ", violations.stream().map(FieldViolation::toString).toList());
    }

    private VerificationResult verify(RegistryClient registry, OciReference ref, CompiledPolicy policy, long generation,
            Deadline deadline, boolean[] missed) {
        DecisionCache.Key key = new DecisionCache.Key(ref.digest(), ref.tag(), policy.name(), generation);
        VerificationResult cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        missed[0] = true;
        // The tag was resolved to ref's digest just now, in this review.
        VerificationResult result = new ArtifactVerifier(registry, signatures).verifyResolved(ref, policy.authorities(),
                deadline);
        cache.put(key, result);
        return result;
    }

    private static String noMatch(OciSource source, String url) {
        if (source.chart() != null) {
            // Flux fails the same way ("could not locate a version matching"), so nothing would be pulled; denied all
            // the same, since a matching unsigned version may be pushed before the next reconcile.
            return "no tag of " + url + " is a chart version matching \"" + source.chart().version() + "\" (Helm reads "
                    + "MAJOR.MINOR.PATCH tags, _ as +; * and an empty version mean the highest stable one)";
        }
        return "no tag of " + url + " matches semver \"" + source.semver() + "\"" + (source.semverFilter() == null ? ""
                : " with filter \"" + source.semverFilter() + "\"");
    }

    private static List<String> policyNames(List<CompiledPolicy> policies) {
        return policies.stream().map(CompiledPolicy::name).toList();
    }

    static String names(List<CompiledPolicy> policies) {
        return String.join(", ", policies.stream().map(CompiledPolicy::name).toList());
    }
}
