package io.fleetwarden.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecPolicyTest {

    static final String ISSUER_RE = "^https://token\\.actions\\.githubusercontent\\.com$";
    static final String MAIN_RE = "^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$";

    static final CompiledPolicy STAGING = new CompiledPolicy("d2-apps-staging", CompiledPolicy.Mode.ENFORCE,
            List.of("oci://ghcr.io/controlplaneio-fluxcd/d2-apps/*"),
            List.of(new KeylessAuthority("push", "public-good", Authority.COSIGN_SIGN_PREDICATE,
                    StringMatch.exact("https://token.actions.githubusercontent.com"), StringMatch.regex(MAIN_RE),
                    "https://github.com/controlplaneio-fluxcd/d2-apps", ".github/workflows/push-artifact.yaml",
                    List.of("refs/heads/main"), Set.of(), null, TagRefBinding.D2_DEFAULT)));

    static List<FieldViolation> check(String issuer, String subject) {
        return SpecPolicy.check(new FluxVerifySpec("cosign", List.of(new FluxVerifySpec.Identity(issuer, subject)), null),
                List.of(STAGING));
    }

    @Test
    void theD2TenantSpecIsAsStrictAsThePolicy() {
        assertThat(check(ISSUER_RE, MAIN_RE)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "any tag (as D2 once wrote it)|^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@refs/tags/.*$|refs/tags/v6.6.6",
            "unanchored repository|github\\.com/controlplaneio-fluxcd/d2-apps/|evil",
            "any workflow|^https://github\\.com/controlplaneio-fluxcd/d2-apps/.*@refs/heads/main$|evil.yaml",
            "any ref|^https://github\\.com/controlplaneio-fluxcd/d2-apps/\\.github/workflows/push-artifact\\.yaml@.*$|refs/heads/main-evil",
            "dot not escaped, unanchored end|^https://github.com/controlplaneio-fluxcd/d2-apps/.github/workflows/push-artifact.yaml@refs/heads/main|main-evil",
    })
    void aLooserSubjectIsDeniedWithTheSignerItWouldAccept(String name, String subject, String sampleContains) {
        assertThat(check(ISSUER_RE, subject)).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("spec.verify.matchOIDCIdentity");
            assertThat(v.message()).contains("which policy d2-apps-staging rejects").contains(sampleContains);
        });
    }

    @Test
    void aLooserIssuerIsDenied() {
        assertThat(check("token\\.actions\\.githubusercontent\\.com", MAIN_RE)).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("issuer=\"https://token.actions.githubusercontent.com.evil.example\""));
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
    void anInvalidFluxPatternAcceptsNothingAndIsNotLoose() {
        assertThat(check(ISSUER_RE, "(unclosed")).isEmpty();
    }
}
