package io.fleetwarden.verify.cosign;

import static io.fleetwarden.verify.cosign.LegacyVerificationTest.failures;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.testing.sigstore.SigningRequest;
import io.fleetwarden.testing.sigstore.Tamper;
import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.CheckFailure;
import io.fleetwarden.verify.Evidence;
import io.fleetwarden.verify.SignatureVerdict;
import io.fleetwarden.verify.TrustAnchor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Keyless DSSE bundles as cosign v3 {@code sign} writes them (in-toto subject without {@code name}, which
 * sigstore-java 2.0.0 cannot parse), verified end to end against a {@link LocalSigstore}, and each single
 * defect rejected at the check it belongs to.
 */
class KeylessDsseBundleTest {

    private static final LocalSigstore LOCAL = LocalSigstore.create();
    private static final Digest ARTIFACT = Digest.sha256Of("manifest".getBytes(StandardCharsets.UTF_8));
    private static final String ROOT = "local";
    private static final CosignSignatureVerifier VERIFIER = new CosignSignatureVerifier(
            TrustedRoots.empty().add(ROOT, LOCAL.trustedRootJson()), Clock.systemUTC());

    private static SigningRequest.Builder cosignV3() {
        return SigningRequest.github().toBuilder().subjectName(null);
    }

    private static SignatureVerdict verify(SigningRequest request) {
        byte[] bundle = LOCAL.signBundleDsse(ARTIFACT.toString(), request);
        return VERIFIER.verifyBundle("referrer " + ARTIFACT, bundle, ARTIFACT, TrustAnchor.keyless(ROOT));
    }

    @Test
    void cosignV3StatementWithoutSubjectNameVerifies() throws Exception {
        byte[] bundle = LOCAL.signBundleDsse(ARTIFACT.toString(), cosignV3().build());
        String payload = new String(Base64.getDecoder().decode(new ObjectMapper().readTree(bundle)
                .path("dsseEnvelope").path("payload").asText()), StandardCharsets.UTF_8);
        assertThat(payload).doesNotContain("\"name\"").contains("\"annotations\":{}");

        SignatureVerdict verdict = VERIFIER.verifyBundle("referrer " + ARTIFACT, bundle, ARTIFACT,
                TrustAnchor.keyless(ROOT));

        assertThat(verdict).isInstanceOfSatisfying(SignatureVerdict.Valid.class, v -> {
            assertThat(v.signer()).isEqualTo(Identity.github().build().expected());
            assertThat(v.predicateType()).isEqualTo(SigningRequest.COSIGN_SIGN_PREDICATE);
            assertThat(v.evidence()).containsExactlyInAnyOrder(Evidence.BUNDLE_REFERRER, Evidence.CERTIFICATE_CHAIN,
                    Evidence.SCT, Evidence.SIGNED_ENTRY_TIMESTAMP, Evidence.INCLUSION_PROOF, Evidence.CHECKPOINT);
            assertThat(v.signedAt()).isCloseTo(Instant.now(), new org.assertj.core.data.TemporalUnitWithinOffset(
                    2, ChronoUnit.MINUTES));
        });
    }

    @Test
    void statementWithSubjectNameStillVerifies() {
        assertThat(verify(SigningRequest.github())).isInstanceOf(SignatureVerdict.Valid.class);
    }

    @Test
    void nonAsciiStatementVerifiesBecauseThePaeCountsBytes() {
        // "ä" is 2 bytes in UTF-8 but 1 UTF-16 char: a char-counting PAE (sigstore-java 2.0.0) cannot verify this.
        String predicate = "https://example.com/prüfung/v1";
        SignatureVerdict verdict = verify(cosignV3().predicateType(predicate).build());

        assertThat(verdict).isInstanceOfSatisfying(SignatureVerdict.Valid.class,
                v -> assertThat(v.predicateType()).isEqualTo(predicate));
    }

    @Test
    void otherArtifactIsRejected() {
        byte[] bundle = LOCAL.signBundleDsse(ARTIFACT.toString(), cosignV3().build());
        Digest other = Digest.sha256Of("other".getBytes(StandardCharsets.UTF_8));

        SignatureVerdict verdict = VERIFIER.verifyBundle("b", bundle, other, TrustAnchor.keyless(ROOT));

        assertThat(failures(verdict)).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo(Check.ARTIFACT_DIGEST);
            assertThat(f.message()).isEqualTo("no subject of the in-toto statement has digest " + other);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            DSSE_SUBJECT_OTHER_DIGEST                | ARTIFACT_DIGEST
            SIGNATURE_OVER_OTHER_PAYLOAD             | SIGNATURE
            SET_BY_UNKNOWN_KEY                       | TLOG_ENTRY
            BROKEN_INCLUSION_PROOF                   | TLOG_ENTRY
            CHECKPOINT_BY_UNKNOWN_KEY                | TLOG_ENTRY
            SCT_BY_UNKNOWN_LOG                       | SCT
            CERT_FROM_UNKNOWN_CA                     | CERTIFICATE_CHAIN
            TLOG_BODY_OF_OTHER_SIGNATURE             | TLOG_BODY
            INTEGRATED_TIME_OUTSIDE_CERT_VALIDITY    | INTEGRATED_TIME
            PAYLOAD_TYPE_WRONG                       | PAYLOAD_TYPE
            """)
    void eachDefectIsRejectedAtItsCheck(Tamper tamper, Check expected) {
        SignatureVerdict verdict = verify(cosignV3().tamper(tamper).build());

        // Only the defect's check fails: every other part of the signature is valid and consistent.
        assertThat(failures(verdict)).extracting(CheckFailure::check).isNotEmpty().containsOnly(expected);
    }

    @Test
    void integratedTimeAfterTheCertificateExpiredIsRejected() {
        Instant now = Instant.now();
        SignatureVerdict verdict = verify(cosignV3().integratedTime(now)
                .certificateValidity(now.minus(Duration.ofMinutes(30)), now.minus(Duration.ofMinutes(20))).build());

        assertThat(failures(verdict)).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo(Check.INTEGRATED_TIME);
            assertThat(f.message()).contains("is outside the certificate's validity");
        });
    }

    @Test
    void wrongPredicateTypeIsValidAndReportedForThePolicy() {
        SignatureVerdict verdict = verify(cosignV3().tamper(Tamper.WRONG_PREDICATE_TYPE).build());

        assertThat(verdict).isInstanceOfSatisfying(SignatureVerdict.Valid.class,
                v -> assertThat(v.predicateType()).isEqualTo("https://slsa.dev/provenance/v1"));
    }
}
