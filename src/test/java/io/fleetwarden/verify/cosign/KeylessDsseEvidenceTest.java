package io.fleetwarden.verify.cosign;

import static io.fleetwarden.verify.cosign.LegacyVerificationTest.failures;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.testing.sigstore.SigningRequest;
import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.CheckFailure;
import io.fleetwarden.verify.TrustAnchor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Log and time evidence a keyless DSSE bundle must carry, and a log body that must name its certificate. */
class KeylessDsseEvidenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalSigstore LOCAL = LocalSigstore.create();
    private static final Digest ARTIFACT = Digest.sha256Of("manifest".getBytes(StandardCharsets.UTF_8));
    private static final CosignSignatureVerifier VERIFIER = new CosignSignatureVerifier(
            TrustedRoots.empty().add("local", LOCAL.trustedRootJson()), Clock.systemUTC());

    private static java.util.List<CheckFailure> verifyEdited(Consumer<ObjectNode> edit) throws Exception {
        ObjectNode bundle = (ObjectNode) JSON.readTree(LOCAL.signBundleDsse(ARTIFACT.toString(),
                SigningRequest.github().toBuilder().subjectName(null).build()));
        edit.accept(bundle);
        return failures(VERIFIER.verifyBundle("b", JSON.writeValueAsBytes(bundle), ARTIFACT,
                TrustAnchor.keyless("local")));
    }

    private static ObjectNode entry(ObjectNode bundle) {
        return (ObjectNode) bundle.path("verificationMaterial").path("tlogEntries").get(0);
    }

    @Test
    void aSetWithoutInclusionProofIsNotEnough() throws Exception {
        assertThat(verifyEdited(b -> entry(b).remove("inclusionProof"))).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo(Check.TLOG_ENTRY);
            assertThat(f.message()).startsWith("the log entry has no inclusion proof, which a keyless bundle needs");
        });
    }

    @Test
    void withoutSetOrTimestampThereIsNoTrustedSigningTime() throws Exception {
        assertThat(verifyEdited(b -> entry(b).remove("inclusionPromise"))).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo(Check.TLOG_ENTRY);
            assertThat(f.message()).isEqualTo("the bundle has no trusted signing time: neither a signed entry "
                    + "timestamp nor an RFC 3161 timestamp");
        });
    }

    @Test
    void keylessBundlesMustBeLogged() throws Exception {
        assertThat(verifyEdited(b -> ((ObjectNode) b.path("verificationMaterial")).putArray("tlogEntries")))
                .extracting(CheckFailure::check).containsExactly(Check.TLOG_ENTRY);
    }

    @Test
    void aBundleWithBothContentKindsIsRefused() throws Exception {
        assertThat(verifyEdited(b -> b.putObject("messageSignature"))).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo(Check.SIGNATURE_FORMAT);
            assertThat(f.message()).contains("both a messageSignature and a dsseEnvelope");
        });
    }

    @Test
    void theLogBodyMustNameTheSigningCertificate() throws Exception {
        byte[] payloadHash = Encodings.sha256(new byte[] {1});
        byte[] signature = {2, 3};
        String body = "{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{\"payloadHash\":{\"algorithm\":\"sha256\","
                + "\"value\":\"" + java.util.HexFormat.of().formatHex(payloadHash) + "\"},\"signatures\":[{\"signature\":\""
                + b64(signature) + "\",\"verifier\":\"" + b64(LocalSigstore.certificatePem(LOCAL.intermediateCertificate())
                        .getBytes(StandardCharsets.UTF_8)) + "\"}]}}";
        Failures same = new Failures("b");
        DsseLogBody.check(b64(body.getBytes(StandardCharsets.UTF_8)), new LoggedSignature(true, payloadHash, signature,
                LOCAL.intermediateCertificate(), LOCAL.intermediateCertificate().getPublicKey()), same);
        Failures other = new Failures("b");
        DsseLogBody.check(b64(body.getBytes(StandardCharsets.UTF_8)), new LoggedSignature(true, payloadHash, signature,
                LOCAL.rootCertificate(), LOCAL.rootCertificate().getPublicKey()), other);

        assertThat(same.isEmpty()).isTrue();
        assertThat(other.verdict().failures()).singleElement().satisfies(f -> assertThat(f.message())
                .isEqualTo("the log entry names a different certificate"));
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
