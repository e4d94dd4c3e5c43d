package io.fleetwarden.policy;

import io.fleetwarden.api.v1alpha1.ArtifactPolicySpec;
import io.fleetwarden.api.v1alpha1.AuthoritySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compiles a policy document once into its evaluable form, or returns every violation with its field path
 * (never only the first: a person fixing a policy wants the whole list). Authorities are compiled by
 * {@link AuthorityCompiler}.
 */
public final class PolicyCompiler {

    private PolicyCompiler() {
    }

    public sealed interface Result {
    }

    public record Compiled(CompiledPolicy policy) implements Result {
    }

    /**
     * @param sources the source patterns of the document that compiled: what it was meant to cover, which stays
     *                refused while it is not in force (a policy left out must never make its sources' checks fewer)
     */
    public record Invalid(String name, List<FieldViolation> violations, List<String> sources) implements Result {
        public Invalid {
            violations = List.copyOf(violations);
            sources = List.copyOf(sources);
        }

        public Invalid(String name, List<FieldViolation> violations) {
            this(name, violations, List.of());
        }

        public String summary() {
            return summary(FieldPositions.NONE);
        }

        /** For a policy from a file, a line per violation, each with where it is in the file. */
        public String summary(FieldPositions positions) {
            return FieldViolation.describe("policy " + name + " is invalid", violations, positions);
        }
    }

    /**
     * Compiles a document as read: a field it has that the policy does not know, or of the wrong type, makes it
     * invalid whatever else holds, and is listed with what the compiler finds.
     */
    public static Result compile(PolicyDocuments.Document document) {
        String name = document.policy().getMetadata().getName();
        Result result = compile(name, document.policy().getSpec());
        if (document.readViolations().isEmpty()) {
            return result;
        }
        return new Invalid(name, FieldViolation.withRead(document.readViolations(),
                result instanceof Invalid i ? i.violations() : List.of()),
                result instanceof Invalid i ? i.sources() : ((Compiled) result).policy().sources());
    }

    public static Result compile(String name, ArtifactPolicySpec spec) {
        List<FieldViolation> violations = new ArrayList<>();
        if (spec == null) {
            return new Invalid(name, List.of(new FieldViolation("spec", "is required")));
        }
        List<String> sources = compileSources(spec.sources, violations);
        CompiledPolicy.Mode mode = compileMode(spec.mode, violations);
        LabelSelector namespaces = spec.namespaceSelector == null ? null
                : SelectorCompiler.compile("spec.namespaceSelector", spec.namespaceSelector, violations);
        List<Authority> authorities = new ArrayList<>();
        boolean none = spec.authorities == null || spec.authorities.isEmpty();
        if (mode == CompiledPolicy.Mode.ALLOW && !none) {
            violations.add(new FieldViolation("spec.authorities", "must be empty with mode Allow, which admits the "
                    + "covered sources without a signature; use Enforce or Warn to require one"));
        } else if (mode == CompiledPolicy.Mode.ALLOW) {
            // explicitly unsigned: nothing to compile
        } else if (none) {
            violations.add(new FieldViolation("spec.authorities", "at least one authority is required"));
        } else {
            for (int i = 0; i < spec.authorities.size(); i++) {
                AuthoritySpec a = spec.authorities.get(i);
                Authority compiled = AuthorityCompiler.compile("spec.authorities[" + i + "]", i, a, violations);
                if (compiled != null) {
                    authorities.add(compiled);
                }
            }
        }
        if (!violations.isEmpty()) {
            return new Invalid(name, violations, sources);
        }
        return new Compiled(new CompiledPolicy(name, mode, sources, namespaces, authorities));
    }

    private static List<String> compileSources(List<String> sources, List<FieldViolation> violations) {
        if (sources == null || sources.isEmpty()) {
            violations.add(new FieldViolation("spec.sources", "at least one OCI URL pattern is required"));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            String s = sources.get(i);
            if (s == null || !s.startsWith("oci://") || s.length() <= "oci://".length()) {
                violations.add(new FieldViolation("spec.sources[" + i + "]",
                        "must be an oci:// URL pattern such as oci://ghcr.io/acme/apps/*, got \"" + s + "\""));
            } else if (!s.equals(s.strip()) || !s.equals(s.toLowerCase(Locale.ROOT))) {
                // References are lower case; a pattern with capitals or spaces could never match and would
                // silently leave sources uncovered.
                violations.add(new FieldViolation("spec.sources[" + i + "]",
                        "must be lower case without surrounding spaces, got \"" + s + "\""));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    private static CompiledPolicy.Mode compileMode(String mode, List<FieldViolation> violations) {
        if (mode == null || mode.equals("Enforce")) {
            return CompiledPolicy.Mode.ENFORCE;
        }
        if (mode.equals("Warn")) {
            return CompiledPolicy.Mode.WARN;
        }
        if (mode.equals("Allow")) {
            return CompiledPolicy.Mode.ALLOW;
        }
        violations.add(new FieldViolation("spec.mode", "must be Enforce, Warn or Allow, "
                + Spelling.got(mode, List.of("Enforce", "Warn", "Allow"))));
        return CompiledPolicy.Mode.ENFORCE;
    }
}
