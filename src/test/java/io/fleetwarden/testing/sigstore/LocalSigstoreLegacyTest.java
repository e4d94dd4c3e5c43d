package io.fleetwarden.testing.sigstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sigstore.encryption.certificates.Certificates;
import io.fleetwarden.verify.LegacySignature;
import io.fleetwarden.verify.cosign.CertificateClaims;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Legacy cosign layers pass every offline cosign check, and each tamper breaks exactly one of them. */
class LocalSigstoreLegacyTest {

    private static final String DIGEST = "sha256:9c4a2e7f1b3d5c6e8a0b2d4f6e8a0c2e4f6a8b0d2c4e6f8a0b2c4d6e8f0a1b2c";
    private static final String REFERENCE = "registry.fleetwarden.test/acme/fleet";
    private static final LocalSigstore LOCAL = LocalSigstore.create();

    @Test
    void keylessLayerPassesEveryCosignCheck() throws Exception {
        GithubIdentity identity = Identity.github().repository("acme/infra").ref("refs/tags/v3.1.0").build();

        LegacySigned signed = LOCAL.signLegacy(DIGEST, REFERENCE, SigningRequest.keyless(identity).build());

        assertThat(new String(signed.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"critical\":{\"identity\":"
                + "{\"docker-reference\":\"" + REFERENCE + "\"},\"image\":{\"docker-manifest-digest\":\"" + DIGEST
                + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}");
        assertThat(signed.annotations()).containsOnlyKeys(LegacySignature.SIGNATURE, LegacySignature.CERTIFICATE,
                LegacySignature.CHAIN, LegacySignature.BUNDLE);
        assertThat(LegacyChecks.failing(signed, DIGEST, LOCAL.trustedRootJson(), LOCAL.rekorPublicKey())).isEmpty();
        X509Certificate leaf = (X509Certificate) Certificates.fromPem(signed.annotation(LegacySignature.CERTIFICATE));
        assertThat(CertificateClaims.identityOf(leaf)).isEqualTo(identity.expected());
    }

    @Test
    void rekorBundleAnnotationHasCosignsFieldOrderAndTheLogId() {
        LegacySigned signed = LOCAL.signLegacy(DIGEST, REFERENCE, SigningRequest.github());

        assertThat(signed.annotation(LegacySignature.BUNDLE)).matches("\\{\"SignedEntryTimestamp\":\"[A-Za-z0-9+/=]+\","
                + "\"Payload\":\\{\"body\":\"[A-Za-z0-9+/=]+\",\"integratedTime\":\\d+,\"logIndex\":\\d+,"
                + "\"logID\":\"" + LOCAL.rekorLogIdHex() + "\"}}");
        assertThat(signed.annotation(LegacySignature.CHAIN)).isEqualTo(Crypto.pem(LOCAL.intermediateCertificate())
                + Crypto.pem(LOCAL.rootCertificate()));
    }

    @Test
    void emailIdentityIsReadBackByTheVerifier() throws Exception {
        EmailIdentity identity = Identity.email("https://accounts.example.test", "ops@example.test");

        LegacySigned signed = LOCAL.signLegacy(DIGEST, REFERENCE, SigningRequest.keyless(identity).build());

        assertThat(CertificateClaims.identityOf(signed.leaf())).isEqualTo(identity.expected());
        assertThat(LegacyChecks.failing(signed, DIGEST, LOCAL.trustedRootJson(), LOCAL.rekorPublicKey())).isEmpty();
    }

    @Test
    void keyLayerHasOnlyTheSignatureAndOptionallyTheRekorBundle() throws Exception {
        var key = LocalSigstore.newSigningKey();

        LegacySigned logged = LOCAL.signLegacy(DIGEST, REFERENCE, SigningRequest.withKey(key).build());
        LegacySigned offline = LOCAL.signLegacy(DIGEST, REFERENCE, SigningRequest.withKey(key).withoutTlog().build());

        assertThat(logged.annotations()).containsOnlyKeys(LegacySignature.SIGNATURE, LegacySignature.BUNDLE);
        assertThat(LegacyChecks.failing(logged, DIGEST, LOCAL.trustedRootJson(), LOCAL.rekorPublicKey())).isEmpty();
        assertThat(offline.annotations()).containsOnlyKeys(LegacySignature.SIGNATURE);
        assertThat(LegacyChecks.failing(offline, DIGEST, LOCAL.trustedRootJson(), LOCAL.rekorPublicKey())).isEmpty();
    }

    @ParameterizedTest(name = "{0} breaks only the {1} check")
    @CsvSource(delimiter = '|', textBlock = """
            SET_BY_UNKNOWN_KEY                    | SET
            SCT_BY_UNKNOWN_LOG                    | chain
            CERT_FROM_UNKNOWN_CA                  | chain
            INTEGRATED_TIME_OUTSIDE_CERT_VALIDITY | integrated time
            SIGNATURE_OVER_OTHER_PAYLOAD          | signature
            TLOG_BODY_OF_OTHER_SIGNATURE          | tlog body
            PAYLOAD_DIGEST_OF_OTHER_ARTIFACT      | payload digest
            PAYLOAD_TYPE_WRONG                    | payload type
            """)
    void eachTamperBreaksExactlyOneCheck(Tamper tamper, String check) throws Exception {
        LegacySigned signed = LOCAL.signLegacy(DIGEST, REFERENCE, SigningRequest.github().toBuilder().tamper(tamper)
                .build());

        assertThat(LegacyChecks.failing(signed, DIGEST, LOCAL.trustedRootJson(), LOCAL.rekorPublicKey()))
                .isEqualTo(Set.of(check));
    }

    @Test
    void legacySignatureValueForTheVerifier() {
        LegacySigned signed = LOCAL.signLegacy(DIGEST, REFERENCE, SigningRequest.github());

        LegacySignature value = signed.toLegacySignature("legacy layer 0");

        assertThat(value.payload()).isEqualTo(signed.payload());
        assertThat(value.annotations()).isEqualTo(signed.annotations());
    }
}
