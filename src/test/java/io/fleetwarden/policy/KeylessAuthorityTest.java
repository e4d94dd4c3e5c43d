package io.fleetwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KeylessAuthorityTest {

    static final String ISSUER = "https://token.actions.githubusercontent.com";
    static final String REPO = "https://github.com/acme/apps";
    static final String WORKFLOW = REPO + "/.github/workflows/release-artifact.yaml@refs/tags/frontend/v1.2.3";

    static final KeylessAuthority PRODUCTION = new KeylessAuthority("production", "public-good",
            Authority.COSIGN_SIGN_PREDICATE, StringMatch.exact(ISSUER),
            StringMatch.regex("^https://github\\.com/acme/apps/\\.github/workflows/release-artifact\\.yaml@refs/tags/.*$"),
            REPO, ".github/workflows/release-artifact.yaml", List.of("refs/tags/*"), Set.of("push"), "github-hosted",
            TagRefBinding.D2_DEFAULT);

    static SignerIdentity release() {
        return new SignerIdentity(ISSUER, WORKFLOW, REPO, "refs/tags/frontend/v1.2.3", "abc", WORKFLOW, WORKFLOW,
                "push", "github-hosted", null);
    }

    @Test
    void acceptsTheReleaseWorkflowForItsTagAndLatestStable() {
        assertThat(PRODUCTION.mismatches(release(), "v1.2.3", "frontend")).isEmpty();
        assertThat(PRODUCTION.mismatches(release(), "latest-stable", "frontend")).isEmpty();
        assertThat(PRODUCTION.mismatches(release(), null, "frontend")).isEmpty();
    }

    static List<Arguments> tampered() {
        String other = "https://github.com/acme/apps/.github/workflows/push-artifact.yaml@refs/heads/main";
        return List.of(
                Arguments.of("wrong issuer", (UnaryOperator<SignerIdentity>) s -> with(s, "issuer", "https://accounts.google.com"),
                        Claim.ISSUER),
                Arguments.of("wrong subject", (UnaryOperator<SignerIdentity>) s -> with(s, "subject", other), Claim.SUBJECT),
                Arguments.of("other repository", (UnaryOperator<SignerIdentity>) s -> with(s, "repo", "https://github.com/evil/apps"),
                        Claim.SOURCE_REPOSITORY),
                Arguments.of("other workflow", (UnaryOperator<SignerIdentity>) s -> with(s, "config",
                        REPO + "/.github/workflows/evil.yaml@refs/tags/frontend/v1.2.3"), Claim.WORKFLOW),
                Arguments.of("pull request ref", (UnaryOperator<SignerIdentity>) s -> with(s, "ref", "refs/pull/1/merge"),
                        Claim.SOURCE_REF),
                Arguments.of("manual trigger", (UnaryOperator<SignerIdentity>) s -> with(s, "trigger", "workflow_dispatch"),
                        Claim.BUILD_TRIGGER),
                Arguments.of("self-hosted runner", (UnaryOperator<SignerIdentity>) s -> with(s, "runner", "self-hosted"),
                        Claim.RUNNER_ENVIRONMENT),
                Arguments.of("missing repository claim", (UnaryOperator<SignerIdentity>) s -> with(s, "repo", null),
                        Claim.SOURCE_REPOSITORY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tampered")
    void rejectsEachTamperedClaimByName(String name, UnaryOperator<SignerIdentity> tamper, Claim expected) {
        assertThat(PRODUCTION.mismatches(tamper.apply(release()), null, "frontend")).extracting(ClaimMismatch::claim)
                .containsExactly(expected);
    }

    @Test
    void aTagOfAnotherReleaseIsATagRefMismatch() {
        assertThat(PRODUCTION.mismatches(release(), "v1.2.4", "frontend")).singleElement()
                .satisfies(m -> assertThat(m.claim()).isEqualTo(Claim.TAG_REF_BINDING));
    }

    @Test
    void reportsEveryMismatchAndWhatWasWanted() {
        SignerIdentity s = with(with(release(), "issuer", "https://evil.example"), "ref", "refs/heads/dev");
        assertThat(PRODUCTION.mismatches(s, "v1.2.3", "frontend")).extracting(ClaimMismatch::toString).containsExactly(
                "ClaimMismatch[claim=ISSUER, message=issuer is \"https://evil.example\", policy requires \""
                        + ISSUER + "\"]",
                "ClaimMismatch[claim=SOURCE_REF, message=source ref is \"refs/heads/dev\", policy requires one of [refs/tags/*]]",
                "ClaimMismatch[claim=TAG_REF_BINDING, message=tag \"v1.2.3\" was signed on \"refs/heads/dev\"; that tag may "
                        + "only carry a signature made on \"refs/tags/v1.2.3\" or \"refs/tags/frontend/v1.2.3\"]");
    }

    @Test
    void aKeySignerIsNotAKeylessIdentity() {
        assertThat(PRODUCTION.mismatches(SignerIdentity.ofKey("sha256:00"), null, "frontend"))
                .extracting(ClaimMismatch::claim).containsExactly(Claim.KEY);
    }

    static SignerIdentity with(SignerIdentity s, String field, String v) {
        return new SignerIdentity(field.equals("issuer") ? v : s.issuer(), field.equals("subject") ? v : s.subject(),
                field.equals("repo") ? v : s.sourceRepository(), field.equals("ref") ? v : s.sourceRef(), s.sourceDigest(),
                s.buildSignerUri(), field.equals("config") ? v : s.buildConfigUri(),
                field.equals("trigger") ? v : s.buildTrigger(), field.equals("runner") ? v : s.runnerEnvironment(), null);
    }
}
