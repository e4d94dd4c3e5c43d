package io.fleetwarden.cli;

import io.fleetwarden.api.v1alpha1.ArtifactPolicySpec;
import io.fleetwarden.api.v1alpha1.AuthoritySpec;
import io.fleetwarden.api.v1alpha1.GithubSpec;
import io.fleetwarden.api.v1alpha1.KeySpec;
import io.fleetwarden.api.v1alpha1.KeylessSpec;
import io.fleetwarden.api.v1alpha1.TagRefBindingSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * cosign-style identity flags, for a one-off check without a policy file. They are turned into the same
 * policy document a file would hold and compiled by the same compiler, so the flags and the files can
 * never disagree about what an identity means.
 *
 * <p>cosign's flag names are accepted where our option means exactly what cosign's does: the certificate claims
 * they compare come from the same OIDC token claims, compared exactly. cosign's
 * {@code --certificate-github-workflow-name} (the run's display name) and {@code --certificate-github-workflow-sha}
 * have no equivalent in the policy language and are not accepted.
 */
final class IdentityOptions {

    @Option(names = "--certificate-identity", paramLabel = "SUBJECT", description = "Certificate subject (SAN), exact.")
    String identity;

    @Option(names = "--certificate-identity-regexp", paramLabel = "RE2", description = "Certificate subject, RE2; "
            + "unlike cosign's, it must match the whole subject.")
    String identityRegexp;

    @Option(names = "--certificate-oidc-issuer", paramLabel = "URL", description = "OIDC issuer, exact.")
    String issuer;

    @Option(names = "--certificate-oidc-issuer-regexp", paramLabel = "RE2", description = "OIDC issuer, RE2; unlike "
            + "cosign's, it must match the whole issuer.")
    String issuerRegexp;

    @Option(names = {"--github-repository", "--certificate-github-workflow-repository"}, paramLabel = "OWNER/REPO",
            description = "The repository the signing workflow ran in, exact: OWNER/REPO (or https://github.com/"
                    + "OWNER/REPO). Enough without --certificate-identity: it pins who signed.")
    String repository;

    @Option(names = "--github-workflow", paramLabel = "FILE", description = "Workflow file of the run, e.g. "
            + ".github/workflows/release.yaml (not cosign's --certificate-github-workflow-name, the run's display name).")
    String workflow;

    @Option(names = {"--github-ref", "--certificate-github-workflow-ref"}, paramLabel = "REF", description = "Git ref "
            + "the run was for, e.g. refs/heads/main (repeatable: any of them). * matches any characters, e.g. "
            + "refs/tags/*; a git ref cannot contain *, so a ref means exactly what it means to cosign.")
    List<String> refs;

    @Option(names = "--certificate-github-workflow-trigger", paramLabel = "EVENT", description = "Event that started "
            + "the run, exact, e.g. push (repeatable: any of them).")
    List<String> triggers;

    @Option(names = "--no-tag-ref-binding", description = "Do not bind the artifact tag to the signing ref.")
    boolean noTagRefBinding;

    @Option(names = "--key", paramLabel = "FILE", description = "PEM public key file (cosign.pub) instead of a keyless "
            + "identity.")
    Path key;

    @Option(names = "--predicate-type", paramLabel = "URI", description = "in-toto predicate type a bundle must carry.")
    String predicateType;

    /** Whether any identity flag is given: they describe a policy, so they cannot be combined with --policy. */
    boolean given() {
        return identity != null || identityRegexp != null || issuer != null || issuerRegexp != null
                || repository != null || workflow != null || refs != null || triggers != null || noTagRefBinding
                || key != null || predicateType != null;
    }

    /** The flags of the fields of the policy they describe, for the compiler's messages (its paths mean nothing here). */
    private static final Map<String, String> FLAGS = Map.of(
            "keyless.subject", "--certificate-identity",
            "keyless.subjectRegExp", "--certificate-identity-regexp",
            "keyless.issuer", "--certificate-oidc-issuer",
            "keyless.issuerRegExp", "--certificate-oidc-issuer-regexp",
            "keyless.github.repository", "--github-repository",
            "keyless.github.workflow", "--github-workflow",
            "keyless.github.refs", "--github-ref",
            "keyless.github.buildTriggers", "--certificate-github-workflow-trigger",
            "key.publicKey", "--key",
            "predicateType", "--predicate-type");

    /** The flag a violation of the policy these flags describe is about, or empty (it is about their combination). */
    static Optional<String> flag(String path) {
        String prefix = "spec.authorities[0].";
        if (!path.startsWith(prefix)) {
            return Optional.empty();
        }
        String field = path.substring(prefix.length()).replaceAll("\\[\\d+]$", "");
        return Optional.ofNullable(FLAGS.get(field));
    }

    /** The policy these flags describe, covering {@code source}. */
    ArtifactPolicySpec toSpec(String source) {
        AuthoritySpec a = new AuthoritySpec();
        a.name = "command line";
        a.predicateType = predicateType;
        if (key != null) {
            a.key = new KeySpec();
            a.key.publicKey = OptionFile.readString("--key", key);
        } else {
            a.keyless = new KeylessSpec();
            a.keyless.subject = identity;
            a.keyless.subjectRegExp = identityRegexp;
            a.keyless.issuer = issuer;
            a.keyless.issuerRegExp = issuerRegexp;
            if (repository != null || workflow != null || refs != null || triggers != null) {
                a.keyless.github = new GithubSpec();
                a.keyless.github.repository = repository;
                a.keyless.github.workflow = workflow;
                a.keyless.github.refs = refs;
                a.keyless.github.buildTriggers = triggers;
            }
            if (noTagRefBinding) {
                a.keyless.tagRefBinding = new TagRefBindingSpec();
                a.keyless.tagRefBinding.enabled = false;
            }
        }
        ArtifactPolicySpec spec = new ArtifactPolicySpec();
        spec.sources = List.of(source);
        spec.authorities = List.of(a);
        return spec;
    }
}
