package io.fleetwarden.testing.sigstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstore.KeylessVerificationException;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each tamper yields a bundle that sigstore-java 2.0.0 rejects at exactly the step the defect belongs to (the
 * message names the step), or — for the checks 2.0.0 lacks — that it wrongly accepts, documented here so the
 * fleetwarden verifier's own checks have a fixture.
 */
class LocalSigstoreTamperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEX = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static final LocalSigstore LOCAL = LocalSigstore.create();
    private static final GithubIdentity IDENTITY = Identity.github().build();

    @ParameterizedTest(name = "{0} in a {1} bundle")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            SET_BY_UNKNOWN_KEY                | DSSE    | Entry SET was not valid
            SET_BY_UNKNOWN_KEY                | MESSAGE | Entry SET was not valid
            BROKEN_INCLUSION_PROOF            | DSSE    | Inclusion proof verification failed
            BROKEN_INCLUSION_PROOF            | MESSAGE | Inclusion proof verification failed
            CHECKPOINT_BY_UNKNOWN_KEY         | DSSE    | Checkpoint signature was invalid
            CHECKPOINT_BY_UNKNOWN_KEY         | MESSAGE | Checkpoint signature was invalid
            SCT_BY_UNKNOWN_LOG                | DSSE    | No valid SCTs were found, all(1) SCTs were invalid
            SCT_BY_UNKNOWN_LOG                | MESSAGE | No valid SCTs were found, all(1) SCTs were invalid
            CERT_FROM_UNKNOWN_CA              | DSSE    | Certificate was not verifiable against CAs
            CERT_FROM_UNKNOWN_CA              | MESSAGE | Certificate was not verifiable against CAs
            SIGNATURE_OVER_OTHER_PAYLOAD      | DSSE    | DSSE signature was not valid
            SIGNATURE_OVER_OTHER_PAYLOAD      | MESSAGE | Artifact signature was not valid
            TLOG_BODY_OF_OTHER_SIGNATURE      | DSSE    | Digest of DSSE payload in bundle does not match DSSE payload digest in log entry
            TLOG_BODY_OF_OTHER_SIGNATURE      | MESSAGE | Provided verification materials are inconsistent with log entry
            PAYLOAD_DIGEST_OF_OTHER_ARTIFACT  | MESSAGE | Provided artifact digest does not match digest used for verification
            PAYLOAD_TYPE_WRONG                | DSSE    | DSSE envelope must have payload type application/vnd.in-toto+json, but found 'application/vnd.dev.fleetwarden.wrong+json'
            DSSE_SUBJECT_OTHER_DIGEST         | DSSE    | Provided artifact digest does not match any subject sha256 digests in DSSE payload
            """)
    void sigstoreJavaRejectsTheDefect(Tamper tamper, Tamper.Format format, String reason) {
        byte[] bundle = sign(format, SigningRequest.keyless(IDENTITY).tamper(tamper).build());

        Throwable thrown = catchThrowable(() -> SigstoreJava.verify(LOCAL.trustedRootJson(), bundle, digest(), IDENTITY));

        assertThat(thrown).isInstanceOf(KeylessVerificationException.class);
        assertThat(messages(thrown)).contains(reason);
    }

    @Test
    void untamperedCounterpartsVerify() throws Exception {
        for (Tamper.Format format : new Tamper.Format[] {Tamper.Format.DSSE, Tamper.Format.MESSAGE}) {
            SigstoreJava.verify(LOCAL.trustedRootJson(), sign(format, SigningRequest.github()), digest(), IDENTITY);
        }
    }

    @Test
    void wrongPredicateTypeIsSignedCorrectlySoOnlyAPolicyCanRejectIt() throws Exception {
        byte[] bundle = sign(Tamper.Format.DSSE, SigningRequest.keyless(IDENTITY).tamper(Tamper.WRONG_PREDICATE_TYPE)
                .build());

        SigstoreJava.verify(LOCAL.trustedRootJson(), bundle, digest(), IDENTITY);
        assertThat(statement(bundle).get("predicateType").asText()).isEqualTo("https://slsa.dev/provenance/v1");
    }

    @Test
    void integratedTimeAfterCertificateExpiryIsAcceptedBySigstoreJava200() throws Exception {
        byte[] bundle = sign(Tamper.Format.DSSE, SigningRequest.keyless(IDENTITY)
                .tamper(Tamper.INTEGRATED_TIME_OUTSIDE_CERT_VALIDITY).build());

        // sigstore-java 2.0.0 does not compare the two (fixed in 2.1.0); fleetwarden must.
        SigstoreJava.verify(LOCAL.trustedRootJson(), bundle, digest(), IDENTITY);
        JsonNode json = JSON.readTree(bundle);
        long integrated = json.at("/verificationMaterial/tlogEntries/0/integratedTime").asLong();
        X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(Base64.getDecoder().decode(
                        json.at("/verificationMaterial/certificate/rawBytes").asText())));
        assertThatThrownBy(() -> leaf.checkValidity(new Date(integrated * 1000)))
                .isInstanceOf(CertificateExpiredException.class);
        leaf.checkValidity(new Date(integrated * 1000 - 15 * 60 * 1000));
    }

    @Test
    void aTamperThatDoesNotExistInAFormatIsRefused() {
        SigningRequest request = SigningRequest.keyless(IDENTITY).tamper(Tamper.BROKEN_INCLUSION_PROOF).build();

        assertThatThrownBy(() -> LOCAL.signLegacy("sha256:" + HEX, "reg.test/acme/fleet", request))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tamper BROKEN_INCLUSION_PROOF does not apply to a LEGACY signature");
        SigningRequest keyed = SigningRequest.withKey(Crypto.newP256KeyPair()).tamper(Tamper.CERT_FROM_UNKNOWN_CA)
                .build();
        assertThatThrownBy(() -> LOCAL.signBundleDsse("sha256:" + HEX, keyed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tamper CERT_FROM_UNKNOWN_CA does not apply to a DSSE signature made with a key");
    }

    private static byte[] sign(Tamper.Format format, SigningRequest request) {
        return format == Tamper.Format.DSSE ? LOCAL.signBundleDsse("sha256:" + HEX, request)
                : LOCAL.signBundleMessageDigest(digest(), request);
    }

    private static byte[] digest() {
        return HexFormat.of().parseHex(HEX);
    }

    private static JsonNode statement(byte[] bundle) throws Exception {
        return JSON.readTree(Base64.getDecoder().decode(JSON.readTree(bundle).at("/dsseEnvelope/payload").asText()));
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append(" <- ");
        }
        return all.toString();
    }
}
