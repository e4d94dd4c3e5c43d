package io.fleetwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyCompilerTest {

    static PolicyCompiler.Result compile(String yaml) {
        List<PolicyDocuments.Parsed> docs = PolicyDocuments.parse("test.yaml", yaml);
        assertThat(docs).hasSize(1);
        assertThat(docs.get(0)).isInstanceOf(PolicyDocuments.Document.class);
        return PolicyCompiler.compile((PolicyDocuments.Document) docs.get(0));
    }

    static final String HEADER = """
            apiVersion: fleetwarden.io/v1alpha1
            kind: ArtifactPolicy
            metadata: {name: apps}
            spec:
            """;

    @Test
    void compilesAD2StagingPolicy() {
        var result = compile(HEADER + """
                  sources: ["oci://ghcr.io/acme/apps/*"]
                  authorities:
                    - name: staging
                      keyless:
                        issuer: https://token.actions.githubusercontent.com
                        subjectRegExp: ^https://github\\.com/acme/apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
                        github:
                          repository: acme/apps
                          workflow: .github/workflows/push-artifact.yaml
                          refs: [refs/heads/main]
                          buildTriggers: [push]
                """);
        assertThat(result).isInstanceOf(PolicyCompiler.Compiled.class);
        CompiledPolicy p = ((PolicyCompiler.Compiled) result).policy();
        assertThat(p.mode()).isEqualTo(CompiledPolicy.Mode.ENFORCE);
        KeylessAuthority a = (KeylessAuthority) p.authorities().get(0);
        assertThat(a.sourceRepository()).isEqualTo("https://github.com/acme/apps");
        assertThat(a.tagRefBinding()).isEqualTo(TagRefBinding.D2_DEFAULT);
        assertThat(a.trustedRoot()).isEqualTo("public-good");
        assertThat(a.predicateType()).isEqualTo("https://sigstore.dev/cosign/sign/v1");
    }

    @Test
    void reportsEveryViolationWithItsFieldPath() {
        var result = compile(HEADER + """
                  sources: ["https://ghcr.io/acme/*", "oci://GHCR.io/Acme/*"]
                  mode: Audit
                  authorities:
                    - keyless:
                        subject: x
                        subjectRegExp: y
                    - keyless:
                        issuer: https://token.actions.githubusercontent.com
                        subjectRegExp: "(unclosed"
                        github: {workflow: push.yaml, refs: [main]}
                    - key: {publicKey: "not a key"}
                    - {}
                """);
        assertThat(result).isInstanceOf(PolicyCompiler.Invalid.class);
        assertThat(((PolicyCompiler.Invalid) result).violations()).extracting(FieldViolation::toString).containsExactly(
                "spec.sources[0]: must be an oci:// URL pattern such as oci://ghcr.io/acme/apps/*, got \"https://ghcr.io/acme/*\"",
                "spec.sources[1]: must be lower case without surrounding spaces, got \"oci://GHCR.io/Acme/*\"",
                "spec.mode: must be Enforce, Warn or Allow, got \"Audit\"",
                "spec.authorities[0].keyless.issuer: issuer or issuerRegExp is required",
                "spec.authorities[0].keyless.subject: set subject or subjectRegExp, not both",
                "spec.authorities[1].keyless.subjectRegExp: invalid RE2 regular expression: missing closing )",
                "spec.authorities[1].keyless.github.workflow: must be a path like .github/workflows/release.yaml, got \"push.yaml\"",
                "spec.authorities[1].keyless.github.refs[0]: must be a git ref pattern starting with refs/, got \"main\"",
                "spec.authorities[2].key.publicKey: not a PEM public key: expected -----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----",
                "spec.authorities[3]: exactly one of keyless or key is required");
    }

    @Test
    void allowCoversThirdPartySourcesWithoutAuthorities() {
        var allowed = compile(HEADER + """
                  sources: ["oci://ghcr.io/stefanprodan/charts/*"]
                  mode: Allow
                """);
        assertThat(((PolicyCompiler.Compiled) allowed).policy().mode()).isEqualTo(CompiledPolicy.Mode.ALLOW);
        var mixed = compile(HEADER + """
                  sources: ["oci://ghcr.io/stefanprodan/charts/*"]
                  mode: Allow
                  authorities: [{key: {publicKey: x}}]
                """);
        assertThat(((PolicyCompiler.Invalid) mixed).violations()).extracting(FieldViolation::path)
                .containsExactly("spec.authorities");
    }

    @Test
    void aNamespaceSelectorNarrowsCoverageAndIsValidatedWithItsPath() {
        var result = compile(HEADER + """
                  sources: ["oci://ghcr.io/acme/apps/*"]
                  namespaceSelector: {matchLabels: {toolkit.fluxcd.io/role: tenant}}
                  mode: Allow
                """);
        CompiledPolicy p = ((PolicyCompiler.Compiled) result).policy();
        var ref = io.fleetwarden.oci.OciReference.parse("oci://ghcr.io/acme/apps/x");
        assertThat(p.covers(ref, java.util.Map.of("toolkit.fluxcd.io/role", "tenant"))).isTrue();
        assertThat(p.covers(ref, java.util.Map.of())).isFalse();
        assertThat(p.covers(ref, null)).as("unknown labels: covered, so more checks apply").isTrue();
        var bad = compile(HEADER + """
                  sources: ["oci://ghcr.io/acme/apps/*"]
                  namespaceSelector: {matchLabels: {"bad key!": x}}
                  mode: Allow
                """);
        assertThat(((PolicyCompiler.Invalid) bad).violations()).extracting(FieldViolation::path).singleElement()
                .asString().startsWith("spec.namespaceSelector");
    }

    @Test
    void anIssuerAloneIsNotAnIdentity() {
        var result = compile(HEADER + """
                  sources: ["oci://ghcr.io/acme/apps/*"]
                  authorities: [{keyless: {issuer: https://token.actions.githubusercontent.com}}]
                """);
        assertThat(((PolicyCompiler.Invalid) result).violations()).extracting(FieldViolation::toString).containsExactly(
                "spec.authorities[0].keyless.subject: subject or subjectRegExp is required (or github.repository)");
    }

    @Test
    void aMisspeltFieldIsAnErrorNotSilentlyIgnored() {
        var docs = PolicyDocuments.parse("p.yaml", HEADER + """
                  sources: ["oci://ghcr.io/acme/apps/*"]
                  authorities: [{keyless: {issuer: x, subjectRegex: ".*"}}]
                """);
        assertThat(docs).singleElement().isInstanceOfSatisfying(PolicyDocuments.Document.class, d -> {
            assertThat(d.readViolations()).extracting(FieldViolation::toString).containsExactly(
                    "spec.authorities[0].keyless.subjectRegex: unknown field, did you mean \"subjectRegExp\"?");
            assertThat(PolicyCompiler.compile(d)).isInstanceOf(PolicyCompiler.Invalid.class);
        });
    }

    @Test
    void badYamlIsReportedWithItsSourceAndOtherKindsAreSkipped() {
        assertThat(PolicyDocuments.parse("k.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"))
                .isEmpty();
        assertThat(PolicyDocuments.parse("bad.yaml", "a: [unclosed")).singleElement()
                .isInstanceOfSatisfying(PolicyDocuments.Unreadable.class, u -> {
                    assertThat(u.source()).isEqualTo("bad.yaml");
                    assertThat(u.message()).startsWith("not valid YAML: ");
                });
        // Jackson's YAML parser does not expand aliases into copies, so an alias bomb cannot amplify: ten
        // levels of ten aliases would be 10^10 nodes if it did (this test would run out of memory).
        StringBuilder bomb = new StringBuilder("apiVersion: fleetwarden.io/v1alpha1\nkind: ArtifactPolicy\n"
                + "metadata: {name: bomb}\nspec:\n  l0: &l0 [x,x,x,x,x,x,x,x,x,x]\n");
        for (int i = 1; i <= 10; i++) {
            bomb.append("  l").append(i).append(": &l").append(i).append(" [")
                    .append(String.join(",", java.util.Collections.nCopies(10, "*l" + (i - 1)))).append("]\n");
        }
        assertThat(PolicyDocuments.parse("bomb.yaml", bomb.toString())).singleElement()
                .isInstanceOfSatisfying(PolicyDocuments.Document.class, d -> assertThat(d.readViolations()).first()
                        .hasToString("spec.l0: unknown field (known fields: authorities, mode, namespaceSelector, sources)"));
    }
    @Test
    void anAuthorityThatCanNeverMatchIsReportedWithTheFieldItContradicts() {
        var result = compile(HEADER + """
                  sources: ["oci://ghcr.io/acme/apps/*"]
                  authorities:
                    - keyless:
                        issuer: https://token.actions.githubusercontent.com
                        subjectRegExp: ^https://github\\.com/acme/apps/\\.github/workflows/push\\.yaml@refs/heads/main$
                        github: {repository: acme/infra}
                    - keyless:
                        issuer: https://token.actions.githubusercontent.com
                        subjectRegExp: ^https://github\\.com/acme/apps/\\.github/workflows/push\\.yaml@refs/heads/main$
                        github: {workflow: .github/workflows/release.yaml}
                    - keyless:
                        issuer: https://token.actions.githubusercontent.com
                        subject: https://github.com/acme/apps/.github/workflows/push.yaml@refs/heads/main
                        github: {refs: ["refs/tags/*"]}
                    - keyless:
                        issuerRegExp: ^a$b
                        github: {repository: acme/apps}
                    - keyless:
                        issuer: https://token.actions.githubusercontent.com
                        subjectRegExp: ^https://github\\.com/acme\\b
                """);
        assertThat(result).isInstanceOf(PolicyCompiler.Invalid.class);
        assertThat(((PolicyCompiler.Invalid) result).violations()).extracting(FieldViolation::toString).satisfiesExactly(
                v -> assertThat(v).startsWith("spec.authorities[0].keyless.subjectRegExp: can never match: no subject it "
                        + "matches is signed from github.repository https://github.com/acme/infra"),
                v -> assertThat(v).startsWith("spec.authorities[1].keyless.subjectRegExp: can never match: no subject it "
                        + "matches is signed from github.workflow .github/workflows/release.yaml"),
                v -> assertThat(v).startsWith("spec.authorities[2].keyless.subject: can never match: no subject it "
                        + "matches is signed from github.refs [refs/tags/*]"),
                v -> assertThat(v).isEqualTo("spec.authorities[3].keyless.issuerRegExp: can never match: no issuer matches it"),
                v -> assertThat(v).startsWith("spec.authorities[4].keyless.subjectRegExp: cannot be decided exactly: \\b (word boundary)"));
    }
}
