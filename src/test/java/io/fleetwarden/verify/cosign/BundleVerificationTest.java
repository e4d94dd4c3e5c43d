package io.fleetwarden.verify.cosign;

import static io.fleetwarden.verify.cosign.LegacyTestMaterial.b64;
import static io.fleetwarden.verify.cosign.LegacyTestMaterial.ecdsa;
import static io.fleetwarden.verify.cosign.LegacyTestMaterial.p256;
import static io.fleetwarden.verify.cosign.LegacyVerificationTest.failures;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.CheckFailure;
import io.fleetwarden.verify.Evidence;
import io.fleetwarden.verify.SignatureVerdict;
import io.fleetwarden.verify.TrustAnchor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Key-based bundles (which sigstore-java refuses and we verify ourselves) and the bundle entry checks. */
class BundleVerificationTest {

    static final byte[] CONTENT = "release artifact".getBytes(StandardCharsets.UTF_8);
    static final Digest ARTIFACT = Digest.sha256Of(CONTENT);
    static final Instant LOGGED = Instant.parse("2025-03-01T10:00:00Z");

    static LegacyTestMaterial sigstore;
    static CosignSignatureVerifier verifier;

    @BeforeAll
    static void setUp() throws Exception {
        sigstore = new LegacyTestMaterial();
        verifier = new CosignSignatureVerifier(TrustedRoots.empty().add("test", sigstore.trustedRoot()),
                Clock.fixed(LOGGED.plusSeconds(60), ZoneOffset.UTC));
    }

    static byte[] messageBundle(byte[] signature, String tlogEntries) {
        return ("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":"
                + "{\"publicKey\":{\"hint\":\"k\"},\"tlogEntries\":[" + tlogEntries + "]},\"messageSignature\":"
                + "{\"messageDigest\":{\"algorithm\":\"SHA2_256\",\"digest\":\"" + b64(ARTIFACT.bytes()) + "\"},"
                + "\"signature\":\"" + b64(signature) + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keyBasedMessageSignatureVerifiesWithTheAnchorKeyOnly() throws Exception {
        KeyPair key = p256();
        byte[] bundle = messageBundle(ecdsa(key.getPrivate(), CONTENT), "");

        SignatureVerdict ok = verifier.verifyBundle("file b.json", bundle, ARTIFACT, TrustAnchor.key(key.getPublic(), "test", false));
        assertThat(ok).isInstanceOfSatisfying(SignatureVerdict.Valid.class, v -> {
            assertThat(v.signer().keyId()).isEqualTo(CertificateClaims.keyId(key.getPublic()));
            assertThat(v.evidence()).containsExactlyInAnyOrder(Evidence.BUNDLE_FILE, Evidence.PUBLIC_KEY);
        });

        SignatureVerdict wrongKey = verifier.verifyBundle("file b.json", bundle, ARTIFACT,
                TrustAnchor.key(p256().getPublic(), "test", false));
        assertThat(failures(wrongKey)).extracting(CheckFailure::check).containsExactly(Check.SIGNATURE);

        SignatureVerdict otherArtifact = verifier.verifyBundle("file b.json", bundle,
                Digest.sha256Of("x".getBytes(StandardCharsets.UTF_8)), TrustAnchor.key(key.getPublic(), "test", false));
        assertThat(failures(otherArtifact)).extracting(CheckFailure::check).containsExactly(Check.ARTIFACT_DIGEST);

        SignatureVerdict noLog = verifier.verifyBundle("file b.json", bundle, ARTIFACT, TrustAnchor.key(key.getPublic(), "test", true));
        assertThat(failures(noLog)).singleElement().satisfies(f -> assertThat(f.message())
                .isEqualTo("the bundle has no transparency log entry, which the trust anchor requires"));
    }

    @Test
    void keyBasedBundleWithSetOnlyEntryIsCheckedOffline() throws Exception {
        KeyPair key = p256();
        byte[] signature = ecdsa(key.getPrivate(), CONTENT);
        String body = LegacyTestMaterial.hashedRekord(ARTIFACT.bytes(), signature, LegacyTestMaterial.pem(key.getPublic()));
        String set = LegacyTestMaterial.rekorBundle(sigstore.rekorKey, body, LOGGED.getEpochSecond(), 9);
        String setB64 = set.substring(set.indexOf(":\"") + 2, set.indexOf("\","));
        String entry = "{\"logIndex\":\"9\",\"logId\":{\"keyId\":\"" + b64(LegacyTestMaterial.sha256(sigstore.rekorKey
                .getPublic().getEncoded())) + "\"},\"kindVersion\":{\"kind\":\"hashedrekord\",\"version\":\"0.0.1\"},"
                + "\"integratedTime\":\"" + LOGGED.getEpochSecond() + "\",\"inclusionPromise\":{\"signedEntryTimestamp\":\""
                + setB64 + "\"},\"canonicalizedBody\":\"" + body + "\"}";

        SignatureVerdict verdict = verifier.verifyBundle("referrer sha256:1", messageBundle(signature, entry), ARTIFACT,
                TrustAnchor.key(key.getPublic(), "test", true));

        assertThat(verdict).isInstanceOfSatisfying(SignatureVerdict.Valid.class, v -> {
            assertThat(v.signedAt()).isEqualTo(LOGGED);
            assertThat(v.evidence()).containsExactlyInAnyOrder(Evidence.BUNDLE_REFERRER, Evidence.PUBLIC_KEY,
                    Evidence.SIGNED_ENTRY_TIMESTAMP);
        });

        SignatureVerdict tampered = verifier.verifyBundle("referrer sha256:1",
                messageBundle(signature, entry.replace("\"logIndex\":\"9\"", "\"logIndex\":\"10\"")), ARTIFACT,
                TrustAnchor.key(key.getPublic(), "test", true));
        assertThat(failures(tampered)).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo(Check.TLOG_ENTRY);
            assertThat(f.message()).startsWith("the SET signature does not verify with the key of log https://rekor.test");
        });
    }

    @Test
    void keyBasedDsseBundleReturnsThePredicateType() throws Exception {
        KeyPair key = p256();
        String statement = "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"a\",\"digest\":{\"sha256\":\""
                + ARTIFACT.hex() + "\"}}],\"predicateType\":\"https://sigstore.dev/cosign/sign/v1\",\"predicate\":{}}";
        byte[] payload = statement.getBytes(StandardCharsets.UTF_8);
        byte[] sig = ecdsa(key.getPrivate(), InTotoStatement.pae("application/vnd.in-toto+json", payload));
        byte[] bundle = ("{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":"
                + "{\"publicKey\":{\"hint\":\"k\"},\"tlogEntries\":[]},\"dsseEnvelope\":{\"payload\":\"" + b64(payload)
                + "\",\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\"" + b64(sig) + "\"}]}}")
                .getBytes(StandardCharsets.UTF_8);

        SignatureVerdict verdict = verifier.verifyBundle("file b.json", bundle, ARTIFACT, TrustAnchor.key(key.getPublic(), "test", false));
        assertThat(verdict).isInstanceOfSatisfying(SignatureVerdict.Valid.class,
                v -> assertThat(v.predicateType()).isEqualTo("https://sigstore.dev/cosign/sign/v1"));

        SignatureVerdict otherSubject = verifier.verifyBundle("file b.json", bundle, Digest.sha256Of(new byte[1]),
                TrustAnchor.key(key.getPublic(), "test", false));
        assertThat(failures(otherSubject)).extracting(CheckFailure::check).containsExactly(Check.ARTIFACT_DIGEST);
    }

    @Test
    void keyBasedCosignV3DsseBundleSharesTheDssePathAndChecksTheLoggedKey() {
        var local = io.fleetwarden.testing.sigstore.LocalSigstore.create();
        KeyPair key = io.fleetwarden.testing.sigstore.LocalSigstore.newSigningKey();
        byte[] bundle = local.signBundleDsse(ARTIFACT.toString(),
                io.fleetwarden.testing.sigstore.SigningRequest.withKey(key).subjectName(null).build());
        var roots = TrustedRoots.empty().add("local", local.trustedRootJson());

        SignatureVerdict verdict = new CosignSignatureVerifier(roots, Clock.systemUTC()).verifyBundle("b", bundle,
                ARTIFACT, TrustAnchor.key(key.getPublic(), "local", true));

        assertThat(verdict).isInstanceOfSatisfying(SignatureVerdict.Valid.class, v -> assertThat(v.evidence())
                .containsExactlyInAnyOrder(Evidence.BUNDLE_FILE, Evidence.PUBLIC_KEY, Evidence.SIGNED_ENTRY_TIMESTAMP,
                        Evidence.INCLUSION_PROOF, Evidence.CHECKPOINT));
    }

    @Test
    void keylessAnchorRefusesAKeyBundleAndOversizedInput() {
        byte[] bundle = messageBundle(new byte[8], "");
        assertThat(failures(verifier.verifyBundle("b", bundle, ARTIFACT, TrustAnchor.keyless("test")))).singleElement()
                .satisfies(f -> assertThat(f.check()).isEqualTo(Check.KEY));

        byte[] huge = new byte[CosignSignatureVerifier.MAX_BUNDLE_BYTES + 1];
        assertThat(failures(verifier.verifyBundle("b", huge, ARTIFACT, TrustAnchor.keyless("test")))).singleElement()
                .satisfies(f -> assertThat(f.message()).isEqualTo("the bundle is larger than 1048576 bytes (1048577)"));
    }

    @Test
    void referrerLabelIsReportedAsReferrerEvidence() throws Exception {
        var dir = SigstoreConformanceTest.ASSETS;
        SignatureVerdict verdict = new CosignSignatureVerifier(TrustedRoots.withPublicGood(), Clock.systemUTC())
                .verifyBundle("referrer sha256:abc", Files.readAllBytes(dir.resolve("happy-path-intoto-in-dsse-v3/bundle.sigstore.json")),
                        Digest.sha256Of(Files.readAllBytes(dir.resolve("a.txt"))), TrustAnchor.keyless(TrustAnchor.PUBLIC_GOOD));

        assertThat(verdict).isInstanceOfSatisfying(SignatureVerdict.Valid.class, v -> {
            assertThat(v.evidence()).contains(Evidence.BUNDLE_REFERRER, Evidence.CERTIFICATE_CHAIN, Evidence.SCT,
                    Evidence.INCLUSION_PROOF, Evidence.SIGNED_ENTRY_TIMESTAMP).doesNotContain(Evidence.BUNDLE_FILE);
            assertThat(v.predicateType()).isNotBlank();
            assertThat(v.signedAt()).isEqualTo(Instant.ofEpochSecond(1734374576));
        });
    }
}
