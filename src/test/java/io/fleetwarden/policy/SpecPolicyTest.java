package io.fleetwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecPolicyTest {

    static final String GITHUB = "https://token.actions.githubusercontent.com";
    static final String ISSUER_RE = "^https://token\\.actions\\.githubusercontent\\.com$";
    static final String MAIN_RE = "^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$";

    static final CompiledPolicy STAGING = policy("d2-apps-staging", MAIN_RE, List.of("refs/heads/main"));

    static CompiledPolicy policy(String name, String subject, List<String> refs) {
        return new CompiledPolicy(name, CompiledPolicy.Mode.ENFORCE, List.of("oci://ghcr.io/controlplaneio-fluxcd/d2-apps/*"),
                List.of(new KeylessAuthority("push", "public-good", Authority.COSIGN_SIGN_PREDICATE,
                        StringMatch.exact(GITHUB), StringMatch.regex(subject),
                        "https://github.com/controlplaneio-fluxcd/d2-apps", ".github/workflows/push-artifact.yaml",
                        refs, Set.of(), null, TagRefBinding.D2_DEFAULT)));
    }

    static FluxVerifySpec spec(String issuer, String subject) {
        return new FluxVerifySpec("cosign", List.of(new FluxVerifySpec.Identity(issuer, subject)), null);
    }

    static List<FieldViolation> check(String issuer, String subject) {
        return SpecPolicy.check(spec(issuer, subject), List.of(STAGING));
    }

    private static final java.util.regex.Pattern WITNESS =
            java.util.regex.Pattern.compile("accepts issuer \"([^\"]*)\" with subject \"([^\"]*)\", which policy (\\S+) rejects");

    /** The witness in a denial, checked to be real: Flux (unanchored RE2) accepts it and the policy does not. */
    static String[] witness(FieldViolation v, String issuerPattern, String subjectPattern, CompiledPolicy policy) {
        Matcher m = WITNESS.matcher(v.message());
        assertThat(m.find()).as(v.message()).isTrue();
        String issuer = m.group(1);
        String subject = m.group(2);
        assertThat(Pattern.compile(issuerPattern).matcher(issuer).find()).as("Flux accepts issuer " + issuer).isTrue();
        assertThat(Pattern.compile(subjectPattern).matcher(subject).find()).as("Flux accepts subject " + subject).isTrue();
        SignerIdentity signer = githubSigner(issuer, subject);
        assertThat(policy.authorities()).as("policy rejects " + subject).allSatisfy(a -> assertThat(
                a.mismatches(signer, null, "")).isNotEmpty());
        return new String[] {issuer, subject};
    }

    /** The claims GitHub Actions puts in a certificate whose subject (SAN) is {@code subject}. */
    static SignerIdentity githubSigner(String issuer, String subject) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(https://github\\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)/(\\.github/workflows/[^/@]+)@(.*)", java.util.regex.Pattern.DOTALL)
                .matcher(subject);
        boolean github = m.matches();
        return new SignerIdentity(issuer, subject, github ? m.group(1) : null, github ? m.group(3) : null, null, subject,
                subject, "push", "github-hosted", null);
    }

    @Test
    void theD2TenantSpecIsAsStrictAsThePolicy() {
        assertThat(check(ISSUER_RE, MAIN_RE)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "any tag (as D2 once wrote it);^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/tags/.*$;@refs/tags/",
            "unanchored repository;github\\.com/controlplaneio-fluxcd/d2-apps/;d2-apps/",
            "any workflow;^https://github\\.com/controlplaneio-fluxcd/d2-apps/.*@refs/heads/main$;@refs/heads/main",
            "any ref;^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@.*$;push-artifact.yaml@",
            "dot not escaped, unanchored end;^https://github.com/controlplaneio-fluxcd/d2-apps/.github/workflows/push-artifact.yaml@refs/heads/main;refs/heads/main",
            "an alternative branch the samples never tried;^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/(main|x7q-evil)$;@refs/heads/x7q-evil",
            "a class around the branch;^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/[mn]ain$;@refs/heads/nain",
            "bare [mn]ain;[mn]ain;ain",
            "top-level alternative for an attacker;^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$|^https://github\\.com/attacker/;https://github.com/attacker/",
            "an organisation anyone can register;^https://github\\.com/controlplaneio-fluxcd[a-z-]*/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$;https://github.com/controlplaneio-fluxcd",
            "case-insensitive;(?i)^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$;@refs/heads/",
            "optional suffix;^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/main(-rc)?$;main-rc",
            "newline in the ref;^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/main(?s:.)?$;@refs/heads/main",
            "\\A..\\z with a looser middle;\\Ahttps://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/\\w+\\z;@refs/heads/",
            "a ^ that can only hold at the start, beside a looser alternative;^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/(^|x)main$;@refs/heads/xmain",
            "an optional letter;^https://github\\.com/controlplaneio-fluxcd/d2-app[s]?/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$;/d2-app/",
    })
    void aLooserSubjectIsDeniedWithAShortestWitness(String name, String subject, String witnessContains) {
        assertThat(check(ISSUER_RE, subject)).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("spec.verify.matchOIDCIdentity[0]");
            assertThat(v.message()).contains("which policy d2-apps-staging rejects");
            assertThat(witness(v, ISSUER_RE, subject, STAGING)[1]).contains(witnessContains);
        });
    }

    @Test
    void theWitnessIsTheShortestSubjectFluxWouldAccept() {
        String subject = "^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/(main|x7q-evil)$";
        assertThat(witness(check(ISSUER_RE, subject).get(0), ISSUER_RE, subject, STAGING)[1]).isEqualTo(
                "https://github.com/controlplaneio-fluxcd/d2-apps/.github/workflows/push-artifact.yaml@refs/heads/x7q-evil");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "unanchored;token\\.actions\\.githubusercontent\\.com;token.actions.githubusercontent.com",
            "dots not escaped;^https://token.actions.githubusercontent.com$;https://token",
            "alternative issuer;^https://token\\.actions\\.githubusercontent\\.com$|^https://evil\\.example$;https://evil.example",
    })
    void aLooserIssuerIsDenied(String name, String issuer, String witnessContains) {
        assertThat(check(issuer, MAIN_RE)).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("none of its keyless authorities accepts that issuer");
            assertThat(witness(v, issuer, MAIN_RE, STAGING)[0]).contains(witnessContains).isNotEqualTo(GITHUB);
        });
    }

    @Test
    void correctD2SpecsAreAllowedUnderTheExamplePolicies() throws IOException {
        List<CompiledPolicy> production = ExamplePoliciesTest.load("production");
        List<CompiledPolicy> staging = ExamplePoliciesTest.load("staging");
        for (String repo : List.of("d2-apps", "d2-infra")) {
            CompiledPolicy prod = production.stream().filter(p -> p.name().equals(repo + "-production")).findFirst().orElseThrow();
            CompiledPolicy stag = staging.stream().filter(p -> p.name().equals(repo + "-staging")).findFirst().orElseThrow();
            String base = "https://github\\.com/controlplaneio-fluxcd/" + repo + "/\\.github/workflows/";
            for (String subject : List.of("^" + base + "release-artifact\\.yaml@refs/tags/.*$",
                    "^" + base + "release-artifact\\.yaml@refs/tags/.+$",
                    "\\A" + base + "release-artifact\\.yaml@refs/tags/[^@]*\\z",
                    "(?:^" + base + "release-artifact\\.yaml@refs/tags/(?:[a-z-]+/)?v\\d+\\.\\d+\\.\\d+$)")) {
                assertThat(SpecPolicy.check(spec(ISSUER_RE, subject), List.of(prod))).as(subject).isEmpty();
            }
            for (String subject : List.of("^" + base + "push-artifact\\.yaml@refs/heads/main$",
                    "^" + base + "push-artifact\\.yaml@refs/heads/(?:main)$")) {
                assertThat(SpecPolicy.check(spec(ISSUER_RE, subject), List.of(stag))).as(subject).isEmpty();
            }
        }
        CompiledPolicy fleet = production.stream().filter(p -> p.name().equals("d2-fleet-production")).findFirst().orElseThrow();
        assertThat(SpecPolicy.check(spec("^https://token\\.actions\\.githubusercontent\\.com$",
                "^https://github\\.com/controlplaneio-fluxcd/d2-fleet/\\.github/workflows/push-artifact\\.yaml@refs/tags/.*$"),
                List.of(fleet))).isEmpty();
        assertThat(SpecPolicy.check(new FluxVerifySpec("cosign", List.of(new FluxVerifySpec.Identity(ISSUER_RE, MAIN_RE),
                new FluxVerifySpec.Identity("^" + GITHUB.replace(".", "\\.") + "$", MAIN_RE)), null), List.of(STAGING))).isEmpty();
    }

    @Test
    void everyCoveringPolicyMustAcceptNotAnyOne() {
        CompiledPolicy tagsOnly = policy("d2-apps-releases",
                "^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/tags/.+$",
                List.of("refs/tags/*"));
        assertThat(SpecPolicy.check(spec(ISSUER_RE, MAIN_RE), List.of(STAGING, tagsOnly))).singleElement().satisfies(v -> {
            assertThat(v.message()).contains("which policy d2-apps-releases rejects");
            assertThat(witness(v, ISSUER_RE, MAIN_RE, tagsOnly)[1]).endsWith("@refs/heads/main");
        });
    }

    @Test
    void aPolicyWithoutKeylessAuthoritiesAcceptsNoKeylessSpec() {
        CompiledPolicy keys = new CompiledPolicy("keys", CompiledPolicy.Mode.ENFORCE, List.of("oci://x/*"), List.of());
        assertThat(SpecPolicy.check(spec(ISSUER_RE, MAIN_RE), List.of(keys))).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("none of its keyless authorities accepts that issuer"));
    }

    @Test
    void missingOrSwitchedOffVerificationIsDenied() {
        assertThat(SpecPolicy.check(new FluxVerifySpec(null, List.of(), null), List.of(STAGING)))
                .extracting(FieldViolation::toString).containsExactly("spec.verify: is required: the platform's policy "
                        + "d2-apps-staging requires cosign verification (provider: cosign with matchOIDCIdentity)");
        assertThat(SpecPolicy.check(new FluxVerifySpec("notation", List.of(), null), List.of(STAGING)))
                .extracting(FieldViolation::toString).containsExactly("spec.verify.provider: must be cosign, got \"notation\"");
        assertThat(SpecPolicy.check(new FluxVerifySpec("cosign", List.of(), null), List.of(STAGING)))
                .extracting(FieldViolation::path).containsExactly("spec.verify.matchOIDCIdentity");
    }

    @Test
    void anIdentityWithoutIssuerOrSubjectIsRefused() {
        assertThat(check(null, MAIN_RE)).extracting(FieldViolation::toString).containsExactly(
                "spec.verify.matchOIDCIdentity[0].issuer: is required: Flux requires both issuer and subject in each identity");
        assertThat(check(ISSUER_RE, null)).extracting(FieldViolation::path)
                .containsExactly("spec.verify.matchOIDCIdentity[0].subject");
    }

    @Test
    void keyBasedAndTenantRootedVerificationAreRefusedWithTheReason() {
        assertThat(SpecPolicy.check(new FluxVerifySpec("cosign", List.of(), "my-key"), List.of(STAGING)))
                .singleElement().satisfies(v -> {
                    assertThat(v.path()).isEqualTo("spec.verify.secretRef");
                    assertThat(v.message()).contains("policy d2-apps-staging accepts keyless signers only");
                });
        assertThat(SpecPolicy.check(new FluxVerifySpec("cosign", List.of(new FluxVerifySpec.Identity(ISSUER_RE, MAIN_RE)),
                null, "tenant-root"), List.of(STAGING))).singleElement().satisfies(v -> {
                    assertThat(v.path()).isEqualTo("spec.verify.trustedRootSecretRef");
                    assertThat(v.message()).contains("policies cannot allow a tenant's root");
                });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "RE2J cannot read it, Go can;.*|\\p{Adlam};\\p{Adlam}",
            "invalid for both;(unclosed;missing closing )",
            "word boundary;^https://github\\.com/controlplaneio-fluxcd/d2-apps\\b;\\b (word boundary)",
            "unicode class;^https://github\\.com/\\pL+/;\\pL (Unicode class)",
            "multi-line anchors;(?m)^https://github\\.com/controlplaneio-fluxcd/d2-apps/$;multi-line mode (?m)",
            "non-ASCII under (?i);(?i)^https://github\\.com/é$;(?i) of non-ASCII",
    })
    void aPatternThatCannotBeDecidedExactlyIsRefusedNamingTheConstruct(String name, String subject, String construct) {
        assertThat(check(ISSUER_RE, subject)).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("spec.verify.matchOIDCIdentity[0].subject");
            assertThat(v.message()).contains("cannot be decided exactly, so it is refused").contains(construct);
        });
    }

    @Test
    void aHugeOrExplosivePatternIsRefusedQuickly() {
        String huge = "a".repeat(1 << 20);
        long start = System.nanoTime();
        assertThat(check(ISSUER_RE, huge)).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("is 1048576 characters long; at most 4096"));
        String nested = "((((a{1000}){1000}){1000}){1000})";
        assertThat(check(ISSUER_RE, nested)).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("too complex to decide"));
        assertThat((System.nanoTime() - start) / 1_000_000).as("milliseconds").isLessThan(2_000);
    }
}
