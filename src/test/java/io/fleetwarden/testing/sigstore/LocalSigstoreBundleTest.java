package io.fleetwarden.testing.sigstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sigstore.KeylessVerificationException;
import dev.sigstore.merkle.InclusionProofVerifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Untampered bundles are real: sigstore-java 2.0.0 verifies chain, SCT, SET, inclusion proof, checkpoint, DSSE. */
class LocalSigstoreBundleTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEX = "5a1b8d3f2c4e6a7b9c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d";
    private static final String DIGEST = "sha256:" + HEX;

    private final LocalSigstore local = LocalSigstore.create();

    @Test
    void dsseBundleOfAGithubWorkflowVerifiesWithSigstoreJava() throws Exception {
        GithubIdentity identity = Identity.github().ref("refs/tags/v1.2.3").trigger("workflow_dispatch").build();
        byte[] bundle = local.signBundleDsse(DIGEST, SigningRequest.keyless(identity).subjectName("reg/acme/fleet")
                .build());

        SigstoreJava.verify(local.trustedRootJson(), bundle, HexFormat.of().parseHex(HEX), identity);

        JsonNode json = JSON.readTree(bundle);
        assertThat(json.get("mediaType").asText()).isEqualTo("application/vnd.dev.sigstore.bundle.v0.3+json");
        JsonNode entry = json.at("/verificationMaterial/tlogEntries/0");
        assertThat(entry.at("/kindVersion/kind").asText()).isEqualTo("dsse");
        assertThat(entry.at("/inclusionProof/hashes").size()).isPositive();
        JsonNode statement = JSON.readTree(Base64.getDecoder().decode(json.at("/dsseEnvelope/payload").asText()));
        assertThat(statement.get("predicateType").asText()).isEqualTo("https://sigstore.dev/cosign/sign/v1");
        assertThat(statement.at("/subject/0/name").asText()).isEqualTo("reg/acme/fleet");
        assertThat(statement.at("/subject/0/digest/sha256").asText()).isEqualTo(HEX);
    }

    @Test
    void messageBundleVerifiesWithSigstoreJava() throws Exception {
        byte[] artifact = "fleet manifests".getBytes(StandardCharsets.UTF_8);
        EmailIdentity identity = Identity.email("https://accounts.example.test", "alice@example.test");

        byte[] bundle = local.signBundleMessage(artifact, SigningRequest.keyless(identity).build());

        SigstoreJava.verify(local.trustedRootJson(), bundle, Crypto.sha256(artifact), identity);
    }

    @Test
    void reusableWorkflowSignsAsTheCalledWorkflow() throws Exception {
        GithubIdentity identity = Identity.github()
                .reusableWorkflow("acme/workflows/.github/workflows/sign.yaml@refs/tags/v2").build();
        assertThat(identity.subjectAlternativeName())
                .isEqualTo("https://github.com/acme/workflows/.github/workflows/sign.yaml@refs/tags/v2");
        assertThat(identity.buildConfigUri())
                .isEqualTo("https://github.com/acme/fleet/.github/workflows/push-artifact.yaml@refs/heads/main");

        byte[] bundle = local.signBundleDsse(DIGEST, SigningRequest.keyless(identity).build());

        SigstoreJava.verify(local.trustedRootJson(), bundle, HexFormat.of().parseHex(HEX), identity);
    }

    @Test
    void cosignV3StatementHasNoSubjectNameAndSigstoreJava200CannotParseIt() {
        byte[] bundle = local.signBundleDsse(DIGEST, SigningRequest.keyless(Identity.github().build())
                .subjectName(null).build());

        String statement = new String(Base64.getDecoder().decode(readTree(bundle).at("/dsseEnvelope/payload")
                .asText()), StandardCharsets.UTF_8);
        assertThat(statement).isEqualTo("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":"
                + "{\"sha256\":\"" + HEX + "\"},\"annotations\":{}}],\"predicateType\":"
                + "\"https://sigstore.dev/cosign/sign/v1\",\"predicate\":{}}");
        // A gap of the library, not of the bundle: the verifier must not rely on InTotoPayload for cosign v3.
        assertThatThrownBy(() -> SigstoreJava.verify(local.trustedRootJson(), bundle, HexFormat.of().parseHex(HEX),
                Identity.github().build())).isInstanceOf(KeylessVerificationException.class)
                .hasMessage("Could not parse DSSE payload");
    }

    @Test
    void anotherIdentityDoesNotMatch() {
        byte[] bundle = local.signBundleDsse(DIGEST, SigningRequest.github());
        GithubIdentity other = Identity.github().ref("refs/heads/evil").build();

        assertThatThrownBy(() -> SigstoreJava.verify(local.trustedRootJson(), bundle, HexFormat.of().parseHex(HEX),
                other)).isInstanceOf(KeylessVerificationException.class)
                .hasMessageContaining("No provided certificate identities matched");
    }

    @Test
    void anotherLocalSigstoreIsNotTrusted() {
        byte[] bundle = local.signBundleDsse(DIGEST, SigningRequest.github());

        assertThatThrownBy(() -> SigstoreJava.verify(LocalSigstore.create().trustedRootJson(), bundle,
                HexFormat.of().parseHex(HEX), Identity.github().build()))
                .isInstanceOf(KeylessVerificationException.class)
                .hasMessageContaining("Certificate was not verifiable against CAs");
    }

    @Test
    void keyBundleCarriesAPublicKeyHintAndALoggedHashedrekord() throws Exception {
        var key = LocalSigstore.newSigningKey();
        byte[] artifact = "blob".getBytes(StandardCharsets.UTF_8);

        JsonNode bundle = JSON.readTree(local.signBundleMessage(artifact, SigningRequest.withKey(key).build()));

        assertThat(bundle.at("/verificationMaterial/publicKey/hint").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(Crypto.sha256(key.getPublic().getEncoded())));
        assertThat(bundle.at("/verificationMaterial/certificate").isMissingNode()).isTrue();
        JsonNode body = JSON.readTree(Base64.getDecoder().decode(
                bundle.at("/verificationMaterial/tlogEntries/0/canonicalizedBody").asText()));
        assertThat(new String(Base64.getDecoder().decode(body.at("/spec/signature/publicKey/content").asText()),
                StandardCharsets.UTF_8)).startsWith("-----BEGIN PUBLIC KEY-----\n");
        byte[] signature = Base64.getDecoder().decode(bundle.at("/messageSignature/signature").asText());
        assertThat(Crypto.verify(key.getPublic(), artifact, signature)).isTrue();
    }

    @Test
    void concurrentSigningGetsDistinctEntriesWithValidProofs() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                futures.add(pool.submit(() -> local.signBundleDsse(DIGEST, SigningRequest.github())));
            }
            Set<Long> indexes = new HashSet<>();
            for (Future<byte[]> f : futures) {
                JsonNode entry = JSON.readTree(f.get()).at("/verificationMaterial/tlogEntries/0");
                indexes.add(entry.get("logIndex").asLong());
                List<byte[]> hashes = new ArrayList<>();
                entry.at("/inclusionProof/hashes").forEach(h -> hashes.add(Base64.getDecoder().decode(h.asText())));
                InclusionProofVerifier.verify(MerkleTree.leafHash(Base64.getDecoder().decode(
                        entry.get("canonicalizedBody").asText())), entry.at("/inclusionProof/logIndex").asLong(),
                        entry.at("/inclusionProof/treeSize").asLong(), hashes,
                        Base64.getDecoder().decode(entry.at("/inclusionProof/rootHash").asText()));
            }
            assertThat(indexes).hasSize(40);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void bundlesNeedATlogEntry() {
        var request = SigningRequest.withKey(Crypto.newP256KeyPair()).withoutTlog().build();

        assertThatThrownBy(() -> local.signBundleDsse(DIGEST, request)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a Sigstore bundle needs a transparency log entry");
    }

    private static JsonNode readTree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void digestsMustBeSha256() {
        assertThatThrownBy(() -> local.signBundleDsse("sha512:ab", SigningRequest.github()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a digest sha256:<64 lowercase hex>, got sha512:ab");
    }
}
