package io.fleetwarden.policy;

import io.fleetwarden.api.v1alpha1.AuthoritySpec;
import io.fleetwarden.api.v1alpha1.GithubSpec;
import io.fleetwarden.api.v1alpha1.KeySpec;
import io.fleetwarden.api.v1alpha1.KeylessSpec;
import io.fleetwarden.api.v1alpha1.TagRefBindingSpec;
import io.fleetwarden.policy.language.Languages;
import io.fleetwarden.policy.language.Untranslatable;
import java.security.PublicKey;
import java.util.List;
import java.util.Set;

/** Compiles one {@code spec.authorities[i]}; adds violations and returns null when it does not compile. */
final class AuthorityCompiler {

    private AuthorityCompiler() {
    }

    static Authority compile(String path, int index, AuthoritySpec a, List<FieldViolation> v) {
        if (a == null) {
            v.add(new FieldViolation(path, "must not be empty"));
            return null;
        }
        String name = a.name == null || a.name.isBlank() ? "authorities[" + index + "]" : a.name;
        String predicate = a.predicateType == null ? Authority.COSIGN_SIGN_PREDICATE : a.predicateType;
        String root = TrustedRootCompiler.compile(path, a, v);
        if ((a.keyless == null) == (a.key == null)) {
            v.add(new FieldViolation(path, "exactly one of keyless or key is required"));
            return null;
        }
        Authority compiled = a.key != null ? key(path + ".key", name, root, predicate, a.key, v)
                : keyless(path + ".keyless", name, root, predicate, a.keyless, v);
        return root == null ? null : compiled;
    }

    private static Authority key(String path, String name, String root, String predicate, KeySpec k,
            List<FieldViolation> v) {
        try {
            PublicKey key = PublicKeys.fromPem(k.publicKey);
            return new KeyAuthority(name, key, PublicKeys.keyId(key), root, Boolean.TRUE.equals(k.requireTlog), predicate);
        } catch (IllegalArgumentException e) {
            v.add(new FieldViolation(path + ".publicKey", e.getMessage()));
            return null;
        }
    }

    private static Authority keyless(String path, String name, String root, String predicate, KeylessSpec k,
            List<FieldViolation> v) {
        int before = v.size();
        StringMatch issuer = oneOf(path, "issuer", k.issuer, k.issuerRegExp, true, v);
        GithubSpec g = k.github == null ? new GithubSpec() : k.github;
        // Without a subject, the GitHub repository must pin who signed: an issuer alone would accept any
        // workflow of any repository on GitHub.
        StringMatch subject = oneOf(path, "subject", k.subject, k.subjectRegExp, g.repository == null, v);
        String repository = g.repository == null ? null : GithubClaims.repositoryUri(g.repository);
        if (g.workflow != null && !g.workflow.startsWith(".github/workflows/")) {
            v.add(new FieldViolation(path + ".github.workflow",
                    "must be a path like .github/workflows/release.yaml, got \"" + g.workflow + "\""));
        }
        List<String> refs = g.refs == null ? List.of() : g.refs;
        for (int i = 0; i < refs.size(); i++) {
            if (refs.get(i) == null || !refs.get(i).startsWith("refs/")) {
                v.add(new FieldViolation(path + ".github.refs[" + i + "]",
                        "must be a git ref pattern starting with refs/, got \"" + refs.get(i) + "\""));
            }
        }
        List<String> triggers = g.buildTriggers == null ? List.of() : g.buildTriggers;
        for (int i = 0; i < triggers.size(); i++) {
            trigger(path + ".github.buildTriggers[" + i + "]", triggers.get(i), v);
        }
        if (g.runnerEnvironment != null && !GithubClaims.RUNNER_ENVIRONMENTS.contains(g.runnerEnvironment)) {
            v.add(new FieldViolation(path + ".github.runnerEnvironment", "must be "
                    + String.join(" or ", GithubClaims.RUNNER_ENVIRONMENTS) + ", "
                    + Spelling.got(g.runnerEnvironment, GithubClaims.RUNNER_ENVIRONMENTS)));
        }
        TagRefBinding binding = binding(path + ".tagRefBinding", k.tagRefBinding, v);
        if (v.size() > before) {
            return null;
        }
        KeylessAuthority a = new KeylessAuthority(name, root, predicate, issuer, subject, repository, g.workflow, refs,
                Set.copyOf(triggers), g.runnerEnvironment, binding);
        return decidable(path, a, v) ? a : null;
    }

    /**
     * A trigger the certificate can carry: an event name that starts a run. One that cannot (a misspelt event, or
     * {@code workflow_call}) would make the authority accept no signature, found out only when every artifact is denied.
     */
    private static void trigger(String path, String trigger, List<FieldViolation> v) {
        if (GithubClaims.CALLED_WORKFLOW.equals(trigger)) {
            v.add(new FieldViolation(path, "a called (reusable) workflow runs with the event of its caller, never \""
                    + GithubClaims.CALLED_WORKFLOW + "\": name the caller's event, e.g. push"));
        } else if (trigger == null || !GithubClaims.BUILD_TRIGGERS.contains(trigger)) {
            v.add(new FieldViolation(path, "must be the name of a GitHub Actions event ("
                    + String.join(", ", GithubClaims.BUILD_TRIGGERS) + "), "
                    + Spelling.got(trigger, GithubClaims.BUILD_TRIGGERS)));
        }
    }

    /**
     * An authority whose subject contradicts its own GitHub constraints accepts no signer: a mistake to
     * report now, with the field to fix, not a silent denial of every artifact later.
     */
    private static boolean decidable(String path, KeylessAuthority a, List<FieldViolation> v) {
        try {
            return AuthorityLanguage.contradiction(path, a).map(v::add).isEmpty();
        } catch (Untranslatable e) {
            v.add(new FieldViolation(path, "cannot be decided exactly: " + e.getMessage()));
            return false;
        }
    }

    private static TagRefBinding binding(String path, TagRefBindingSpec b, List<FieldViolation> v) {
        if (b == null) {
            return TagRefBinding.D2_DEFAULT;
        }
        if (Boolean.FALSE.equals(b.enabled)) {
            return null;
        }
        if (b.floatingTags == null) {
            return TagRefBinding.D2_DEFAULT;
        }
        b.floatingTags.forEach((tag, ref) -> {
            if (ref == null || !ref.startsWith("refs/")) {
                v.add(new FieldViolation(path + ".floatingTags." + tag, "must be a ref pattern starting with refs/"));
            }
        });
        return new TagRefBinding(b.floatingTags);
    }

    private static StringMatch oneOf(String path, String field, String exact, String regex, boolean required,
            List<FieldViolation> v) {
        if (exact != null && regex != null) {
            v.add(new FieldViolation(path + "." + field, "set " + field + " or " + field + "RegExp, not both"));
            return null;
        }
        if (exact != null) {
            if (exact.isBlank()) {
                v.add(new FieldViolation(path + "." + field, "must not be empty"));
            }
            return StringMatch.exact(exact);
        }
        if (regex != null) {
            try {
                // Translated first, within bounds (RE2J alone can exhaust the heap on nested counted
                // repetition), and exactly, because the spec check decides Flux's patterns against it.
                Languages.whole(regex);
            } catch (Untranslatable e) {
                v.add(new FieldViolation(path + "." + field + "RegExp", (e.syntax() ? "invalid RE2 regular expression: "
                        : "cannot be decided exactly: ") + e.getMessage()));
                return null;
            }
            try {
                return StringMatch.regex(regex);
            } catch (IllegalArgumentException e) {
                v.add(new FieldViolation(path + "." + field + "RegExp", e.getMessage()));
                return null;
            }
        }
        if (required) {
            v.add(new FieldViolation(path + "." + field, field + " or " + field + "RegExp is required"
                    + ("subject".equals(field) ? " (or github.repository)" : "")));
        }
        return null;
    }
}
