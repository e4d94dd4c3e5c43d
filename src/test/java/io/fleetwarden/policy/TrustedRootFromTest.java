package io.fleetwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code trustedRootFrom}: compiled to a derived root name, or every violation with its path. */
class TrustedRootFromTest {

    static String policy(String authority) {
        return PolicyCompilerTest.HEADER + """
                  sources: ["oci://ghcr.io/acme/apps/*"]
                  authorities:
                    - name: corp
                      keyless: {issuer: https://token.actions.githubusercontent.com, github: {repository: acme/apps}}
                """ + authority.indent(6);
    }

    static Authority compiled(String authority) {
        var result = PolicyCompilerTest.compile(policy(authority));
        assertThat(result).as(result.toString()).isInstanceOf(PolicyCompiler.Compiled.class);
        return ((PolicyCompiler.Compiled) result).policy().authorities().get(0);
    }

    static String violations(String authority) {
        var result = PolicyCompilerTest.compile(policy(authority));
        assertThat(result).isInstanceOf(PolicyCompiler.Invalid.class);
        return String.join("\n", ((PolicyCompiler.Invalid) result).violations().stream().map(Object::toString).toList());
    }

    @Test
    void aConfigMapOrSecretKeyCompilesToItsDerivedRootName() {
        assertThat(compiled("trustedRootFrom: {configMapKeyRef: {name: corp-root}}").trustedRoot())
                .isEqualTo("configmap:corp-root/trusted_root.json");
        assertThat(compiled("trustedRootFrom: {secretKeyRef: {name: sigstore.corp, key: root-2026.json}}").trustedRoot())
                .isEqualTo("secret:sigstore.corp/root-2026.json");
        assertThat(compiled("trustedRoot: corp").trustedRoot()).isEqualTo("corp");
        assertThat(compiled("predicateType: https://sigstore.dev/cosign/sign/v1").trustedRoot()).isEqualTo("public-good");
    }

    @Test
    void theDerivedNameReadsBackAsTheReference() {
        TrustedRootRef ref = new TrustedRootRef(TrustedRootRef.Kind.SECRET, "corp-root", "trusted_root.json");
        assertThat(TrustedRootRef.ofRootName(ref.rootName())).hasValue(ref);
        assertThat(ref.object("flux-system")).isEqualTo("Secret flux-system/corp-root");
        assertThat(TrustedRootRef.ofRootName("public-good")).isEmpty();
        assertThat(TrustedRootRef.ofRootName("configmap:no-key")).isEmpty();
        assertThat(TrustedRootRef.ofRootName("configmap:Bad/trusted_root.json")).isEmpty();
    }

    @Test
    void bothFieldsOrBothRefsAreRejected() {
        assertThat(violations("trustedRoot: corp\ntrustedRootFrom: {configMapKeyRef: {name: corp-root}}"))
                .isEqualTo("spec.authorities[0].trustedRootFrom: set trustedRoot or trustedRootFrom, not both");
        assertThat(violations("trustedRootFrom: {configMapKeyRef: {name: a}, secretKeyRef: {name: b}}"))
                .isEqualTo("spec.authorities[0].trustedRootFrom: exactly one of configMapKeyRef or secretKeyRef is required");
        assertThat(violations("trustedRootFrom: {}"))
                .isEqualTo("spec.authorities[0].trustedRootFrom: exactly one of configMapKeyRef or secretKeyRef is required");
    }

    @Test
    void namesAndKeysFollowKubernetesRules() {
        assertThat(violations("trustedRootFrom: {configMapKeyRef: {name: Corp_Root, key: \"a/b\"}}")).isEqualTo("""
                spec.authorities[0].trustedRootFrom.configMapKeyRef.name: must be a DNS-1123 subdomain (lower case \
                letters, digits, '-' and '.', at most 253 characters), got "Corp_Root"
                spec.authorities[0].trustedRootFrom.configMapKeyRef.key: must be a valid ConfigMap key (letters, \
                digits, '-', '_' and '.', not . or .., at most 253 characters), got "a/b\"""");
        assertThat(violations("trustedRootFrom: {secretKeyRef: {key: \"..\"}}")).isEqualTo("""
                spec.authorities[0].trustedRootFrom.secretKeyRef.name: is required
                spec.authorities[0].trustedRootFrom.secretKeyRef.key: must be a valid ConfigMap key (letters, \
                digits, '-', '_' and '.', not . or .., at most 253 characters), got "..\"""");
        assertThat(violations("trustedRootFrom: {secretKeyRef: {name: " + "a".repeat(254) + "}}"))
                .contains("secretKeyRef.name: must be a DNS-1123 subdomain");
    }

    @Test
    void derivedNamesCannotBeWrittenAsAPlainTrustedRoot() {
        assertThat(violations("trustedRoot: \"configmap:corp-root/trusted_root.json\"")).isEqualTo(
                "spec.authorities[0].trustedRoot: names starting with configmap: or secret: are reserved; use "
                        + "trustedRootFrom to name a ConfigMap or Secret, got \"configmap:corp-root/trusted_root.json\"");
        assertThat(violations("trustedRoot: \" \"")).isEqualTo("spec.authorities[0].trustedRoot: must not be empty");
    }

    @Test
    void aBadRootStillReportsTheAuthoritysOtherViolations() {
        var result = PolicyCompilerTest.compile(PolicyCompilerTest.HEADER + """
                  sources: ["oci://ghcr.io/acme/apps/*"]
                  authorities:
                    - trustedRootFrom: {configMapKeyRef: {name: "-x"}}
                      keyless: {issuer: https://token.actions.githubusercontent.com}
                """);
        assertThat(((PolicyCompiler.Invalid) result).violations()).extracting(FieldViolation::path).containsExactly(
                "spec.authorities[0].trustedRootFrom.configMapKeyRef.name", "spec.authorities[0].keyless.subject");
    }
}
