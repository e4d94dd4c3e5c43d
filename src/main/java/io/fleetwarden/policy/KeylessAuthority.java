package io.fleetwarden.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Fulcio identity: who (OIDC issuer and subject) and, for GitHub Actions, which repository, workflow,
 * ref, trigger and runner, read from the certificate's extensions. Every constraint must hold; every
 * one that does not is reported, so a person sees the whole difference at once.
 *
 * @param subject           null when the GitHub constraints identify the signer instead
 * @param sourceRepository  {@code https://github.com/OWNER/REPO}; null for any
 * @param workflow          the workflow file, {@code .github/workflows/push-artifact.yaml}, compared with the
 *                          path of the build config URI (the top-level workflow); null for any
 * @param refs              allowed source refs as {@link Glob} patterns; empty for any
 * @param buildTriggers     allowed events ({@code push}); empty for any
 * @param runnerEnvironment {@code github-hosted} or {@code self-hosted}; null for any
 * @param tagRefBinding     null when the tag is not bound to the ref
 */
public record KeylessAuthority(String name, String trustedRoot, String predicateType, StringMatch issuer,
        StringMatch subject, String sourceRepository, String workflow, List<String> refs, Set<String> buildTriggers,
        String runnerEnvironment, TagRefBinding tagRefBinding) implements Authority {

    public KeylessAuthority {
        refs = List.copyOf(refs);
        buildTriggers = Set.copyOf(buildTriggers);
    }

    @Override
    public List<ClaimMismatch> mismatches(SignerIdentity s, String tag, String component) {
        List<ClaimMismatch> out = new ArrayList<>();
        if (s.isKey()) {
            return List.of(new ClaimMismatch(Claim.KEY, "signed with a key, policy requires a keyless (Fulcio) identity"));
        }
        if (!issuer.matches(s.issuer())) {
            out.add(ClaimMismatch.of(Claim.ISSUER, "issuer", s.issuer(), issuer.describe()));
        }
        if (subject != null && !subject.matches(s.subject())) {
            out.add(ClaimMismatch.of(Claim.SUBJECT, "subject", s.subject(), subject.describe()));
        }
        if (sourceRepository != null && !sourceRepository.equals(s.sourceRepository())) {
            out.add(ClaimMismatch.of(Claim.SOURCE_REPOSITORY, "source repository", s.sourceRepository(),
                    "\"" + sourceRepository + "\""));
        }
        if (workflow != null && !workflow.equals(GithubClaims.workflowPath(s.buildConfigUri()))) {
            out.add(ClaimMismatch.of(Claim.WORKFLOW, "workflow", GithubClaims.workflowPath(s.buildConfigUri()),
                    "\"" + workflow + "\""));
        }
        if (!refs.isEmpty() && refs.stream().noneMatch(r -> Glob.matches(r, s.sourceRef()))) {
            out.add(ClaimMismatch.of(Claim.SOURCE_REF, "source ref", s.sourceRef(), "one of " + refs));
        }
        if (!buildTriggers.isEmpty() && !buildTriggers.contains(s.buildTrigger())) {
            out.add(ClaimMismatch.of(Claim.BUILD_TRIGGER, "build trigger", s.buildTrigger(),
                    "one of " + buildTriggers.stream().sorted().toList()));
        }
        if (runnerEnvironment != null && !runnerEnvironment.equals(s.runnerEnvironment())) {
            out.add(ClaimMismatch.of(Claim.RUNNER_ENVIRONMENT, "runner environment", s.runnerEnvironment(),
                    "\"" + runnerEnvironment + "\""));
        }
        if (tagRefBinding != null) {
            tagRefBinding.violation(tag, component, s.sourceRef())
                    .ifPresent(m -> out.add(new ClaimMismatch(Claim.TAG_REF_BINDING, m)));
        }
        return out;
    }
}
