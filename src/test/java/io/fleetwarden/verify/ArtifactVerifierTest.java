package io.fleetwarden.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.oci.Deadline;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.oci.OciReference;
import io.fleetwarden.policy.Authority;
import io.fleetwarden.policy.KeyAuthority;
import io.fleetwarden.policy.PublicKeys;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.testing.sigstore.SigningRequest;
import io.fleetwarden.testing.sigstore.Tamper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Scenarios around the tamper matrix: several signatures, moved tags, missing artifacts, outages, keys. */
class ArtifactVerifierTest {

    static SignedArtifacts artifacts;
    static ArtifactVerifier verifier;

    @BeforeAll
    static void start() {
        artifacts = SignedArtifacts.onSharedRegistry();
        verifier = artifacts.verifier();
    }

    @AfterAll
    static void stop() {
        artifacts.close();
    }

    static VerificationResult verify(OciReference ref, Authority... authorities) {
        return verifier.verify(ref, List.of(authorities), Deadline.after(Duration.ofSeconds(10)));
    }

    @Test
    void aBadBundleDoesNotHideAGoodLegacySignature() {
        String repo = SignedArtifacts.uniqueRepo("both", "frontend");
        Digest d = artifacts.publish(repo, "latest");
        artifacts.signBundle(repo, d, SigningRequest.keyless(Identity.github().build()).tamper(Tamper.SET_BY_UNKNOWN_KEY).build());
        artifacts.signLegacy(repo, d, SigningRequest.github());
        assertThat(verify(artifacts.ref(repo, "latest"), TamperMatrixTest.staging()))
                .isInstanceOfSatisfying(VerificationResult.Verified.class,
                        v -> assertThat(v.signature()).isEqualTo("legacy " + d.asTagPrefix() + ".sig layer 0"));
    }

    @Test
    void aListedReferrerThatCannotBeFetchedIsSkippedAndReported() {
        // Distribution 2.8 has no referrers API: anyone who may push can change the tag-schema index, and a
        // referrer listed there may be gone (deleted manifest) or half there (deleted bundle blob).
        String repo = SignedArtifacts.uniqueRepo("dangling", "frontend");
        Digest d = artifacts.publish(repo, "latest");
        byte[] gone = "{\"gone\": true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Digest dangling = artifacts.publisher().pushBundleReferrer(repo, d, gone);
        byte[] headless = "{\"headless\": true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Digest withoutBlob = artifacts.publisher().pushBundleReferrer(repo, d, headless);
        artifacts.signBundle(repo, d, SigningRequest.github());
        // Deleted after the index was written: the registry checks entries when an index is pushed.
        artifacts.publisher().deleteManifest(repo, dangling);
        artifacts.publisher().deleteBlob(repo, Digest.sha256Of(headless));
        assertThat(verify(artifacts.ref(repo, "latest"), TamperMatrixTest.staging()))
                .isInstanceOfSatisfying(VerificationResult.Verified.class, v -> {
                    assertThat(v.signature()).startsWith("referrer sha256:");
                    assertThat(v.skipped()).hasSize(2)
                            .anySatisfy(s -> assertThat(s).startsWith("referrer " + dangling + ": could not be read"))
                            .anySatisfy(s -> assertThat(s).startsWith("referrer " + withoutBlob + ": could not be read"));
                });
    }

    @Test
    void aListedReferrerThatCannotBeFetchedDoesNotMakeAnUnsignedArtifactLookSigned() {
        String repo = SignedArtifacts.uniqueRepo("dangling-only", "frontend");
        Digest d = artifacts.publish(repo, "latest");
        Digest dangling = artifacts.publisher().pushBundleReferrer(repo, d,
                "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        artifacts.publisher().deleteManifest(repo, dangling);
        assertThat(verify(artifacts.ref(repo, "latest"), TamperMatrixTest.staging()))
                .isInstanceOfSatisfying(VerificationResult.NotVerified.class, n -> assertThat(n.failures())
                        .singleElement().satisfies(f -> {
                            assertThat(f.check()).isEqualTo(Check.SIGNATURE_PRESENT);
                            assertThat(f.message()).contains("skipped: referrer " + dangling + ": could not be read");
                        }));
    }

    @Test
    void aTagMovedToAnUnsignedArtifactIsNoLongerVerified() {
        String repo = SignedArtifacts.uniqueRepo("moved", "frontend");
        Digest signed = artifacts.publish(repo, "latest");
        artifacts.signBundle(repo, signed, SigningRequest.github());
        assertThat(verify(artifacts.ref(repo, "latest"), TamperMatrixTest.staging()))
                .isInstanceOf(VerificationResult.Verified.class);

        Digest unsigned = artifacts.publish(repo, "latest");
        VerificationResult moved = verify(artifacts.ref(repo, "latest"), TamperMatrixTest.staging());
        assertThat(moved).isInstanceOfSatisfying(VerificationResult.NotVerified.class, n -> {
            assertThat(n.digest()).isEqualTo(unsigned);
            assertThat(n.failures()).singleElement().satisfies(f -> {
                assertThat(f.check()).isEqualTo(Check.SIGNATURE_PRESENT);
                assertThat(f.message()).isEqualTo("no cosign signature found for " + unsigned
                        + ": neither a Sigstore bundle referrer nor the legacy tag " + unsigned.asTagPrefix() + ".sig");
            });
        });
    }

    @Test
    void aPinnedDigestIsVerifiedWhateverTheTagPointsAtNow() {
        // As in Flux, ref.digest wins over ref.tag: the digest is what will be pulled.
        String repo = SignedArtifacts.uniqueRepo("pinned", "frontend");
        Digest signed = artifacts.publish(repo, "latest");
        artifacts.signLegacy(repo, signed, SigningRequest.github());
        Digest unsigned = artifacts.publish(repo, "latest");
        assertThat(verify(artifacts.ref(repo, "latest").withDigest(signed), TamperMatrixTest.staging()))
                .isInstanceOfSatisfying(VerificationResult.Verified.class, v -> assertThat(v.digest()).isEqualTo(signed));
        assertThat(verify(artifacts.ref(repo, "latest").withDigest(unsigned), TamperMatrixTest.staging()))
                .isInstanceOf(VerificationResult.NotVerified.class);
        assertThat(verify(artifacts.ref(repo, "latest").withTag(null).withDigest(signed), TamperMatrixTest.staging()))
                .isInstanceOf(VerificationResult.Verified.class);
    }

    @Test
    void aMissingTagIsADefinitiveAnswer() {
        VerificationResult r = verify(artifacts.ref(SignedArtifacts.uniqueRepo("missing", "x"), "latest"),
                TamperMatrixTest.staging());
        assertThat(r).isInstanceOfSatisfying(VerificationResult.NotVerified.class,
                n -> assertThat(n.failures()).extracting(CheckFailure::check).containsExactly(Check.ARTIFACT_FOUND));
    }

    @Test
    void anUnreachableRegistryIsUnavailableNeverAPolicyFailure() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        VerificationResult r = verify(OciReference.parse("oci://127.0.0.1:" + closed + "/apps/frontend:latest"),
                TamperMatrixTest.staging());
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Unavailable.class,
                u -> assertThat(u.reason()).startsWith("unavailable: "));
    }

    @Test
    void anExpiredDeadlineIsUnavailable() {
        String repo = SignedArtifacts.uniqueRepo("deadline", "frontend");
        artifacts.publish(repo, "latest");
        VerificationResult r = verifier.verify(artifacts.ref(repo, "latest"), List.of(TamperMatrixTest.staging()),
                Deadline.after(Duration.ZERO));
        assertThat(r).isInstanceOfSatisfying(VerificationResult.Unavailable.class,
                u -> assertThat(u.reason()).startsWith("timeout: "));
    }

    @Test
    void theSecondAuthorityMayAcceptWhatTheFirstRejects() {
        String repo = SignedArtifacts.uniqueRepo("authorities", "frontend");
        Digest d = artifacts.publish(repo, "latest");
        KeyPair key = LocalSigstore.newSigningKey();
        artifacts.signLegacy(repo, d, SigningRequest.withKey(key).build());
        KeyAuthority byKey = new KeyAuthority("release key", key.getPublic(), PublicKeys.keyId(key.getPublic()), "local",
                true, Authority.COSIGN_SIGN_PREDICATE);
        assertThat(verify(artifacts.ref(repo, "latest"), TamperMatrixTest.staging(), byKey))
                .isInstanceOfSatisfying(VerificationResult.Verified.class, v -> {
                    assertThat(v.authority()).isEqualTo("release key");
                    assertThat(v.signer().keyId()).isEqualTo(PublicKeys.keyId(key.getPublic()));
                    assertThat(v.evidence()).contains(Evidence.PUBLIC_KEY, Evidence.SIGNED_ENTRY_TIMESTAMP);
                });
        KeyPair other = LocalSigstore.newSigningKey();
        KeyAuthority otherKey = new KeyAuthority("other key", other.getPublic(), PublicKeys.keyId(other.getPublic()),
                "local", false, Authority.COSIGN_SIGN_PREDICATE);
        assertThat(verify(artifacts.ref(repo, "latest"), otherKey)).isInstanceOfSatisfying(
                VerificationResult.NotVerified.class,
                // The signature does not verify with that key, and the log entry names another key.
                n -> assertThat(n.failures()).extracting(CheckFailure::check).containsExactly(Check.SIGNATURE,
                        Check.TLOG_BODY));
    }
}
