package io.fleetwarden.policy;

import dk.brics.automaton.Automaton;
import io.fleetwarden.policy.language.Languages;
import io.fleetwarden.policy.language.Untranslatable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Flux verifies at pull time with whatever {@code spec.verify} the object carries, so an object whose
 * verification is missing, switched to another provider, or looser than the platform's policy would let
 * source-controller accept what the gate rejected (a moved tag, a later pull). This check holds the
 * object's own {@code spec.verify} to <b>every</b> policy that covers it, as verification does.
 *
 * <p>It is decided exactly, not probed: each {@code matchOIDCIdentity} pattern is read as the language Go
 * accepts (RE2, unanchored), and every (issuer, subject) pair an entry accepts must be accepted by each
 * policy ({@link SpecContainment}); a violation names the shortest pair that is not. A pattern that cannot
 * be decided exactly is refused, never approximated ({@link Languages}).
 */
public final class SpecPolicy {

    private static final String IDENTITIES = "spec.verify.matchOIDCIdentity";

    private SpecPolicy() {
    }

    /** An entry read as languages. */
    private record Entry(int index, Automaton issuers, Automaton subjects) {
    }

    public static List<FieldViolation> check(FluxVerifySpec spec, List<CompiledPolicy> covering) {
        List<FieldViolation> out = shape(spec, covering);
        if (!out.isEmpty()) {
            return out;
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < spec.identities().size(); i++) {
            read(i, spec.identities().get(i), out).ifPresent(entries::add);
        }
        if (!out.isEmpty()) {
            return out;
        }
        for (CompiledPolicy p : covering) {
            against(p, entries, out);
        }
        return out;
    }

    /** What can be said without reading a pattern: provider, key-based and tenant-rooted verification. */
    private static List<FieldViolation> shape(FluxVerifySpec spec, List<CompiledPolicy> covering) {
        List<FieldViolation> out = new ArrayList<>();
        if (spec.provider() == null) {
            out.add(new FieldViolation("spec.verify", "is required: the platform's policy "
                    + names(covering) + " requires cosign verification (provider: cosign with matchOIDCIdentity)"));
            return out;
        }
        if (!"cosign".equals(spec.provider())) {
            out.add(new FieldViolation("spec.verify.provider", "must be cosign, got \"" + spec.provider() + "\""));
            return out;
        }
        if (spec.trustedRootSecretRef() != null) {
            out.add(new FieldViolation("spec.verify.trustedRootSecretRef", "is refused: with a Sigstore trusted root "
                    + "from the object's namespace (Secret " + Quoted.of(spec.trustedRootSecretRef()) + ") Flux would "
                    + "accept certificates from any CA that root names, and policies cannot allow a tenant's root "
                    + "(theirs are kept in fleetwarden's namespace); remove it"));
        }
        if (spec.keyRef() != null) {
            out.add(new FieldViolation("spec.verify.secretRef", keyRefusal(spec.keyRef(), covering)));
        }
        if (spec.keyRef() == null && spec.identities().isEmpty()) {
            out.add(new FieldViolation(IDENTITIES, "must list at least one identity: without it "
                    + "Flux accepts any keyless signer"));
        }
        return out;
    }

    /**
     * Key-based verification accepts whatever the keys in the Secret sign. The Secret lives in the object's
     * namespace, where its owner can replace the key, and fleetwarden does not read it, so it cannot be shown
     * to hold only the policy's keys: refused, with the reason that applies.
     */
    private static String keyRefusal(String secret, List<CompiledPolicy> covering) {
        boolean keysAllowed = covering.stream().allMatch(p -> p.authorities().stream().anyMatch(KeyAuthority.class::isInstance));
        if (!keysAllowed) {
            return "is refused: policy " + names(covering.stream().filter(p -> p.authorities().stream()
                    .noneMatch(KeyAuthority.class::isInstance)).toList()) + " accepts keyless signers only, and Flux "
                    + "would accept any signature made by the keys in Secret " + Quoted.of(secret)
                    + "; use matchOIDCIdentity";
        }
        return "is refused: Flux would accept any signature made by the keys in Secret " + Quoted.of(secret)
                + ", which the object's namespace controls and fleetwarden does not read, so they cannot be shown to "
                + "be the policy's keys";
    }

    private static Optional<Entry> read(int i, FluxVerifySpec.Identity identity, List<FieldViolation> out) {
        String path = IDENTITIES + "[" + i + "]";
        Automaton issuers = pattern(path + ".issuer", identity.issuer(), out);
        Automaton subjects = pattern(path + ".subject", identity.subject(), out);
        return issuers == null || subjects == null ? Optional.empty() : Optional.of(new Entry(i, issuers, subjects));
    }

    private static Automaton pattern(String path, String pattern, List<FieldViolation> out) {
        if (pattern == null) {
            // Flux's CRD requires both; `check` reads manifests no API server has validated.
            out.add(new FieldViolation(path, "is required: Flux requires both issuer and subject in each identity"));
            return null;
        }
        try {
            return Languages.unanchored(pattern);
        } catch (Untranslatable e) {
            out.add(new FieldViolation(path, "cannot be decided exactly, so it is refused: " + e.getMessage()));
            return null;
        }
    }

    private static void against(CompiledPolicy p, List<Entry> entries, List<FieldViolation> out) {
        List<AuthorityLanguage> authorities = new ArrayList<>();
        try {
            for (Authority a : p.authorities()) {
                if (a instanceof KeylessAuthority k) {
                    authorities.add(AuthorityLanguage.of(k));
                }
            }
        } catch (Untranslatable e) {
            out.add(new FieldViolation(IDENTITIES, "cannot be decided against policy " + p.name() + ": " + e.getMessage()));
            return;
        }
        for (Entry e : entries) {
            try {
                SpecContainment.find(e.issuers(), e.subjects(), authorities).ifPresent(w -> out.add(
                        new FieldViolation(IDENTITIES + "[" + e.index() + "]", "accepts issuer " + Quoted.of(w.issuer())
                                + " with subject " + Quoted.of(w.subject()) + ", which policy " + p.name()
                                + " rejects: " + w.why() + "; write anchored patterns (^...$) no looser than the policy")));
            } catch (Untranslatable x) {
                out.add(new FieldViolation(IDENTITIES + "[" + e.index() + "]", "cannot be decided against policy "
                        + p.name() + ", so it is refused: " + x.getMessage()));
            }
        }
    }

    private static String names(List<CompiledPolicy> policies) {
        return String.join(", ", policies.stream().map(CompiledPolicy::name).toList());
    }
}
