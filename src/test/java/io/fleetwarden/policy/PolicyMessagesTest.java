package io.fleetwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A policy that does not compile says everything that is wrong with it at once, where, and what was probably meant. */
class PolicyMessagesTest {

    static final String MISSPELT = """
            apiVersion: fleetwarden.io/v1alpha1
            kind: ArtifactPolicy
            metadata: {name: apps}
            spec:
              sources: ["oci://ghcr.io/acme/apps/*"]
              colour: blue
              authorities:
                - name: push
                  keyless:
                    issuer: https://token.actions.githubusercontent.com
                    subjectRegexp: ^https://github\\.com/acme/apps/.*$
                    github:
                      repository: acme/apps
                      workfow: .github/workflows/push.yaml
                      refs: [main]
            """;

    static PolicyDocuments.Document document(List<PolicyDocuments.Parsed> parsed) {
        assertThat(parsed).singleElement().isInstanceOf(PolicyDocuments.Document.class);
        return (PolicyDocuments.Document) parsed.get(0);
    }

    @Test
    void everyUnknownFieldAndEveryCompileErrorAtOnceWithTheirLinesInTheFile() {
        PolicyDocuments.Document doc = document(PolicyDocuments.parseFile("policies/apps.yaml", MISSPELT));
        PolicyCompiler.Result result = PolicyCompiler.compile(doc);
        assertThat(result).isInstanceOf(PolicyCompiler.Invalid.class);
        assertThat(((PolicyCompiler.Invalid) result).summary(doc.positions())).isEqualTo("""
                policy apps is invalid:
                  policies/apps.yaml:6:3: spec.colour: unknown field (known fields: authorities, mode, namespaceSelector, sources)
                  policies/apps.yaml:11:9: spec.authorities[0].keyless.subjectRegexp: unknown field, did you mean "subjectRegExp"?
                  policies/apps.yaml:14:11: spec.authorities[0].keyless.github.workfow: unknown field, did you mean "workflow"?
                  policies/apps.yaml:15:18: spec.authorities[0].keyless.github.refs[0]: must be a git ref pattern starting with refs/, got "main\"""");
    }

    @Test
    void anObjectFromTheClusterHasNoFileAndSoNoLines() {
        PolicyDocuments.Document doc = document(PolicyDocuments.parse("ArtifactPolicy apps", MISSPELT));
        assertThat(doc.positions().located()).isFalse();
        assertThat(((PolicyCompiler.Invalid) PolicyCompiler.compile(doc)).summary(doc.positions())).isEqualTo(
                "policy apps is invalid: spec.colour: unknown field (known fields: authorities, mode, namespaceSelector, "
                + "sources); spec.authorities[0].keyless.subjectRegexp: unknown field, did you mean \"subjectRegExp\"?; "
                + "spec.authorities[0].keyless.github.workfow: unknown field, did you mean \"workflow\"?; "
                + "spec.authorities[0].keyless.github.refs[0]: must be a git ref pattern starting with refs/, got \"main\"");
    }

    @Test
    void valuesOfTheWrongTypeAreListedToo() {
        PolicyDocuments.Document doc = document(PolicyDocuments.parseFile("p.yaml", """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: apps}
                spec:
                  sources: oci://ghcr.io/acme/apps/*
                  mode: {Enforce: true}
                  authorities:
                    - keyless: https://token.actions.githubusercontent.com
                    - key: {publicKey: x, requireTlog: maybe}
                """));
        assertThat(((PolicyCompiler.Invalid) PolicyCompiler.compile(doc)).summary(doc.positions())).isEqualTo("""
                policy apps is invalid:
                  p.yaml:5:3: spec.sources: must be a list, got a string "oci://ghcr.io/acme/apps/*"
                  p.yaml:6:3: spec.mode: must be a string, got an object
                  p.yaml:8:7: spec.authorities[0].keyless: must be an object, got a string "https://token.actions.githubusercontent.com"
                  p.yaml:8:7: spec.authorities[0]: exactly one of keyless or key is required
                  p.yaml:9:13: spec.authorities[1].key.publicKey: not a PEM public key: expected -----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----
                  p.yaml:9:27: spec.authorities[1].key.requireTlog: must be true or false, got a string "maybe\"""");
    }

    @Test
    void aMisspeltFieldIsSuggestedOnlyWhenAKnownOneIsClose() {
        List<String> keyless = List.of("github", "issuer", "issuerRegExp", "subject", "subjectRegExp", "tagRefBinding");
        assertThat(Spelling.didYouMean("subjectRegexp", keyless)).contains("did you mean \"subjectRegExp\"?");
        assertThat(Spelling.didYouMean("isuer", keyless)).contains("did you mean \"issuer\"?");
        assertThat(Spelling.didYouMean("githbu", keyless)).as("two letters swapped: one edit").contains("did you mean \"github\"?");
        assertThat(Spelling.didYouMean("tagRefBindings", keyless)).contains("did you mean \"tagRefBinding\"?");
        assertThat(Spelling.didYouMean("identity", keyless)).isEmpty();
        assertThat(Spelling.didYouMean("sub", keyless)).as("far from subject (4 edits)").isEmpty();
        assertThat(Spelling.didYouMean("id", List.of("kind"))).as("two edits in a four-letter word is a guess").isEmpty();
        assertThat(Spelling.didYouMean("mod", List.of("mode", "name"))).contains("did you mean \"mode\"?");
        assertThat(Spelling.didYouMean("refss", List.of("refs", "ref"))).contains("did you mean \"refs\"?");
        assertThat(Spelling.didYouMean("rex", List.of("ref", "res"))).contains("did you mean \"ref\" or \"res\"?");
    }

    @Test
    void aViolationOfAFieldNotInTheFileIsPlacedAtTheFieldThatEnclosesIt() {
        FieldPositions at = FieldPositions.of("p.yaml", """
                spec:
                  base: &base {issuer: x}
                  keyless:
                    <<: *base
                    subject: y
                  namespaceSelector:
                    matchLabels: {app.kubernetes.io/name: x}
                """).get(0);
        assertThat(at.of("spec.keyless.subject")).hasValueSatisfying(p -> assertThat(p).hasToString("p.yaml:5:5"));
        assertThat(at.of("spec.keyless.issuer")).as("merged in: where it is written")
                .hasValueSatisfying(p -> assertThat(p).hasToString("p.yaml:2:16"));
        assertThat(at.of("spec.keyless.github.refs[0]")).hasValueSatisfying(p -> assertThat(p).hasToString("p.yaml:3:3"));
        assertThat(at.of("spec.namespaceSelector.matchLabels[\"app.kubernetes.io/name\"]"))
                .hasValueSatisfying(p -> assertThat(p).hasToString("p.yaml:7:19"));
        assertThat(FieldPositions.NONE.of("spec")).isEmpty();
    }

    static final String EVENTS = "branch_protection_rule, check_run, check_suite, create, delete, deployment, "
            + "deployment_status, discussion, discussion_comment, fork, gollum, image_version, issue_comment, issues, "
            + "label, merge_group, milestone, page_build, project, project_card, project_column, public, pull_request, "
            + "pull_request_review, pull_request_review_comment, pull_request_target, push, registry_package, release, "
            + "repository_dispatch, schedule, status, watch, workflow_dispatch, workflow_run";

    @Test
    void enumerationsAreCheckedAndTheMessageListsWhatIsAccepted() {
        PolicyDocuments.Document doc = document(PolicyDocuments.parse("ArtifactPolicy apps", """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: apps}
                spec:
                  sources: ["oci://ghcr.io/acme/apps/*"]
                  mode: enforce
                  namespaceSelector:
                    matchExpressions: [{key: team, operator: in, values: [apps]}]
                  authorities:
                    - keyless:
                        issuer: https://token.actions.githubusercontent.com
                        github:
                          repository: acme/apps
                          buildTriggers: [push, pushh, workflow_call, Release, null, ""]
                          runnerEnvironment: github_hosted
                    - keyless:
                        issuer: https://token.actions.githubusercontent.com
                        github: {repository: acme/apps, runnerEnvironment: cloud}
                """));
        assertThat(((PolicyCompiler.Invalid) PolicyCompiler.compile(doc)).violations()).extracting(FieldViolation::toString)
                .containsExactly(
                        "spec.mode: must be Enforce, Warn or Allow, got \"enforce\", did you mean \"Enforce\"?",
                        "spec.namespaceSelector.matchExpressions[0].operator: must be In, NotIn, Exists or DoesNotExist, "
                                + "got \"in\", did you mean \"In\"?",
                        "spec.authorities[0].keyless.github.buildTriggers[1]: must be the name of a GitHub Actions event ("
                                + EVENTS + "), got \"pushh\", did you mean \"push\"?",
                        "spec.authorities[0].keyless.github.buildTriggers[2]: a called (reusable) workflow runs with the "
                                + "event of its caller, never \"workflow_call\": name the caller's event, e.g. push",
                        "spec.authorities[0].keyless.github.buildTriggers[3]: must be the name of a GitHub Actions event ("
                                + EVENTS + "), got \"Release\", did you mean \"release\"?",
                        "spec.authorities[0].keyless.github.buildTriggers[4]: must be the name of a GitHub Actions event ("
                                + EVENTS + "), got null",
                        "spec.authorities[0].keyless.github.buildTriggers[5]: must be the name of a GitHub Actions event ("
                                + EVENTS + "), got \"\"",
                        "spec.authorities[0].keyless.github.runnerEnvironment: must be github-hosted or self-hosted, got "
                                + "\"github_hosted\", did you mean \"github-hosted\"?",
                        "spec.authorities[1].keyless.github.runnerEnvironment: must be github-hosted or self-hosted, got "
                                + "\"cloud\"");
    }

    @Test
    void theAcceptedValuesAreThoseTheCertificateCarries() {
        assertThat(GithubClaims.RUNNER_ENVIRONMENTS).containsExactly("github-hosted", "self-hosted");
        assertThat(String.join(", ", GithubClaims.BUILD_TRIGGERS)).isEqualTo(EVENTS);
        assertThat(GithubClaims.BUILD_TRIGGERS).isSorted().doesNotHaveDuplicates().doesNotContain("workflow_call");
    }
}
