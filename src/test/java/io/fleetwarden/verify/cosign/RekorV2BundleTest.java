package io.fleetwarden.verify.cosign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.CheckFailure;
import io.fleetwarden.verify.SignatureVerdict;
import io.fleetwarden.verify.TrustAnchor;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rekor v2 dsse 0.0.2 bundles (cosign v3 {@code --with-default-rekor-v2}) from a local Sigstore, and the
 * checkpoint of a private log served on a port. The full defect matrix runs through the registry in
 * {@code TamperMatrixTest}.
 */
class RekorV2BundleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Digest ARTIFACT = Digest.sha256Of("manifest".getBytes(StandardCharsets.UTF_8));

    private static SignatureVerdict verify(LocalSigstore local, byte[] bundle) {
        CosignSignatureVerifier verifier = new CosignSignatureVerifier(
                TrustedRoots.empty().add("local", local.trustedRootJson()), Clock.systemUTC());
        return verifier.verifyBundle("referrer " + ARTIFACT, bundle, ARTIFACT, TrustAnchor.keyless("local"));
    }

    private static byte[] sign(LocalSigstore local) {
        return local.signBundleDsse(ARTIFACT.toString(), SigningRequest.keyless(
                io.fleetwarden.testing.sigstore.Identity.github().build()).subjectName(null).rekorV2().build());
    }

    @Test
    void aPrivateLogOnAPortVerifiesWithTheOriginHostAndPort() throws Exception {
        LocalSigstore local = LocalSigstore.builder().rekorV2Url("http://rekor.internal:8000").build();
        byte[] bundle = sign(local);
        String checkpoint = JSON.readTree(bundle).at("/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint"
                + "/envelope").asText();
        assertThat(checkpoint).startsWith("rekor.internal:8000\n").contains("\u2014 rekor.internal:8000 ");

        assertThat(verify(local, bundle)).isInstanceOf(SignatureVerdict.Valid.class);
    }

    @Test
    void theOriginsOfALogAreItsAuthorityAndHost() {
        assertThat(LogCheckpoint.origins(URI.create("http://rekor.internal:8000")))
                .containsExactly("rekor.internal:8000", "rekor.internal");
        assertThat(LogCheckpoint.origins(URI.create("https://log2025-1.rekor.sigstore.dev")))
                .containsExactly("log2025-1.rekor.sigstore.dev");
    }

    @Test
    void aCheckpointOfAnotherOriginIsRefused() throws Exception {
        LocalSigstore local = LocalSigstore.create();
        ObjectNode bundle = (ObjectNode) JSON.readTree(sign(local));
        ObjectNode checkpoint = (ObjectNode) bundle.at("/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint");
        checkpoint.put("envelope", checkpoint.get("envelope").asText().replace("rekor-v2.fleetwarden.test",
                "rekor-v2.evil.test"));

        assertThat(failures(verify(local, JSON.writeValueAsBytes(bundle)))).singleElement().satisfies(c -> {
            assertThat(c.check()).isEqualTo(Check.TLOG_ENTRY);
            assertThat(c.message()).contains("checkpoint origin \"rekor-v2.evil.test\"");
        });
    }

    @Test
    void anIntegratedTimeOnARekorV2EntryIsRefused() throws Exception {
        LocalSigstore local = LocalSigstore.create();
        ObjectNode bundle = (ObjectNode) JSON.readTree(sign(local));
        ((ObjectNode) bundle.at("/verificationMaterial/tlogEntries/0")).put("integratedTime", "1700000000");

        assertThat(failures(verify(local, JSON.writeValueAsBytes(bundle)))).extracting(CheckFailure::check)
                .containsExactly(Check.TLOG_ENTRY);
    }

    private static List<CheckFailure> failures(SignatureVerdict verdict) {
        assertThat(verdict).isInstanceOf(SignatureVerdict.Invalid.class);
        return ((SignatureVerdict.Invalid) verdict).failures();
    }
}
