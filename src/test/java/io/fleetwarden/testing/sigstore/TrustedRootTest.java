package io.fleetwarden.testing.sigstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstore.KeylessVerificationException;
import dev.sigstore.trustroot.SigstoreTrustedRoot;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trusted root parses in sigstore-java and its validity windows are honoured. */
class TrustedRootTest {

    private static final String HEX = "aa".repeat(32);
    private static final LocalSigstore LOCAL = LocalSigstore.create();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void describesTheLocalAuthorities() throws Exception {
        SigstoreTrustedRoot root = SigstoreJava.trustedRoot(LOCAL.trustedRootJson());

        assertThat(root.getCAs()).hasSize(1);
        assertThat(List.<Object>copyOf(root.getCAs().get(0).getCertPath().getCertificates()))
                .containsExactly(LOCAL.intermediateCertificate(), LOCAL.rootCertificate());
        assertThat(root.getTLogs()).hasSize(2);
        assertThat(root.getTLogs().get(0)).satisfies(t -> {
            assertThat(t.getBaseUrl().toString()).isEqualTo(LocalSigstore.REKOR_URL);
            assertThat(HexFormat.of().formatHex(t.getLogId().getKeyId())).isEqualTo(LOCAL.rekorLogIdHex());
            assertThat(t.getPublicKey().toJavaPublicKey()).isEqualTo(LOCAL.rekorPublicKey());
        });
        // The Rekor v2 log: Ed25519, its log id the signed-note key id of its origin, as log2025-1's.
        assertThat(root.getTLogs().get(1)).satisfies(t -> {
            assertThat(t.getBaseUrl().toString()).isEqualTo(LocalSigstore.REKOR_V2_URL);
            assertThat(t.getLogId().getKeyId()).isEqualTo(RekorV2Log.keyId("rekor-v2.fleetwarden.test",
                    t.getPublicKey().toJavaPublicKey()));
        });
        assertThat(root.getTSAs()).singleElement()
                .satisfies(a -> assertThat(a.getUri().toString()).isEqualTo(LocalSigstore.TSA_URL));
        assertThat(((java.security.interfaces.ECPublicKey) LOCAL.rootCertificate().getPublicKey()).getParams()
                .getCurve().getField().getFieldSize()).as("a Fulcio-like P-384 root").isEqualTo(384);
        assertThat(LOCAL.intermediateCertificate().getSigAlgName()).isEqualTo("SHA384withECDSA");
        assertThat(root.getCTLogs()).singleElement()
                .satisfies(c -> assertThat(c.getPublicKey().toJavaPublicKey()).isEqualTo(LOCAL.ctLogPublicKey()));
        JsonNode json = JSON.readTree(LOCAL.trustedRootJson());
        assertThat(json.get("mediaType").asText()).isEqualTo("application/vnd.dev.sigstore.trustedroot+json;version=0.1");
        assertThat(json.at("/tlogs/0/publicKey/keyDetails").asText()).isEqualTo("PKIX_ECDSA_P256_SHA_256");
        assertThat(Base64.getDecoder().decode(json.at("/ctlogs/0/logId/keyId").asText()))
                .isEqualTo(Crypto.keyId(LOCAL.ctLogPublicKey()));
    }

    @Test
    void aCaRetiredBeforeTheCertificateWasIssuedIsNotTrusted() {
        byte[] bundle = LOCAL.signBundleDsse("sha256:" + HEX, SigningRequest.github());
        Instant now = Instant.now();
        byte[] root = LOCAL.trustedRootJson(LOCAL.trustedRootOptions().withCa(
                TrustedRootOptions.Validity.between(now.minus(2, ChronoUnit.DAYS), now.minus(1, ChronoUnit.HOURS))));

        assertThatThrownBy(() -> SigstoreJava.verify(root, bundle, HexFormat.of().parseHex(HEX),
                Identity.github().build())).isInstanceOf(KeylessVerificationException.class)
                .hasMessageContaining("No valid Certificate Authorities found when validating certificate");
    }

    @Test
    void aCtLogKeyNotYetValidAtTheSctTimeIsNotTrusted() {
        byte[] bundle = LOCAL.signBundleDsse("sha256:" + HEX, SigningRequest.github());
        byte[] root = LOCAL.trustedRootJson(LOCAL.trustedRootOptions().withCtlog(
                TrustedRootOptions.Validity.from(Instant.now().plus(1, ChronoUnit.HOURS))));

        assertThatThrownBy(() -> SigstoreJava.verify(root, bundle, HexFormat.of().parseHex(HEX),
                Identity.github().build())).isInstanceOf(KeylessVerificationException.class)
                .hasMessageContaining("No valid SCTs were found");
    }

    @Test
    void signaturesFromThePastVerifyWhenTheRootCoversThem() throws Exception {
        Instant past = Instant.parse("2024-03-01T10:00:00Z");
        LocalSigstore local = LocalSigstore.builder()
                .trustedRootOptions(TrustedRootOptions.allFrom(Instant.parse("2024-01-01T00:00:00Z"))).build();

        byte[] bundle = local.signBundleDsse("sha256:" + HEX, SigningRequest.keyless(Identity.github().build())
                .integratedTime(past).build());

        SigstoreJava.verify(local.trustedRootJson(), bundle, HexFormat.of().parseHex(HEX), Identity.github().build());
        assertThat(JSON.readTree(bundle).at("/verificationMaterial/tlogEntries/0/integratedTime").asText())
                .isEqualTo(Long.toString(past.getEpochSecond()));
    }
}
