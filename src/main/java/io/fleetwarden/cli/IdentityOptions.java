package io.fleetwarden.cli;

import io.fleetwarden.api.v1alpha1.ArtifactPolicySpec;
import io.fleetwarden.api.v1alpha1.AuthoritySpec;
import io.fleetwarden.api.v1alpha1.GithubSpec;
import io.fleetwarden.api.v1alpha1.KeySpec;
import io.fleetwarden.api.v1alpha1.KeylessSpec;
import io.fleetwarden.api.v1alpha1.TagRefBindingSpec;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * cosign-style identity flags, for a one-off check without a policy file. They are turned into the same
 * policy document a file would hold and compiled by the same compiler, so the flags and the files can
 * never disagree about what an identity means.
 */
final class IdentityOptions {

    @Option(names = "--certificate-identity", description = "Certificate subject (SAN), exact.")
    String identity;

    @Option(names = "--certificate-identity-regexp", description = "Certificate subject, RE2, whole-string match.")
    String identityRegexp;

    @Option(names = "--certificate-oidc-issuer", description = "OIDC issuer, exact.")
    String issuer;

    @Option(names = "--certificate-oidc-issuer-regexp", description = "OIDC issuer, RE2, whole-string match.")
    String issuerRegexp;

    @Option(names = "--github-repository", description = "OWNER/REPO the signing workflow ran in.")
    String repository;

    @Option(names = "--github-workflow", description = "Workflow file, e.g. .github/workflows/release.yaml.")
    String workflow;

    @Option(names = "--github-ref", description = "Allowed git ref pattern (repeatable), e.g. refs/tags/*.")
    List<String> refs;

    @Option(names = "--no-tag-ref-binding", description = "Do not bind the artifact tag to the signing ref.")
    boolean noTagRefBinding;

    @Option(names = "--key", description = "PEM public key file (cosign.pub) instead of a keyless identity.")
    Path key;

    @Option(names = "--predicate-type", description = "in-toto predicate type a bundle must carry.")
    String predicateType;

    boolean given() {
        return identity != null || identityRegexp != null || issuer != null || issuerRegexp != null
                || repository != null || key != null;
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
            if (repository != null || workflow != null || refs != null) {
                a.keyless.github = new GithubSpec();
                a.keyless.github.repository = repository;
                a.keyless.github.workflow = workflow;
                a.keyless.github.refs = refs;
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
