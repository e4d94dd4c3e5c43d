package io.fleetwarden.verify.cosign;

import static io.fleetwarden.verify.cosign.LegacyTestMaterial.b64;
import static io.fleetwarden.verify.cosign.LegacyTestMaterial.ecdsa;
import static io.fleetwarden.verify.cosign.LegacyTestMaterial.hashedRekord;
import static io.fleetwarden.verify.cosign.LegacyTestMaterial.p256;
import static io.fleetwarden.verify.cosign.LegacyTestMaterial.pem;
import static io.fleetwarden.verify.cosign.LegacyTestMaterial.rekorBundle;
import static io.fleetwarden.verify.cosign.LegacyTestMaterial.sha256;
import static io.fleetwarden.verify.cosign.LegacyTestMaterial.simpleSigning;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.verify.Check;
import io.fleetwarden.verify.CheckFailure;
import io.fleetwarden.verify.Evidence;
import io.fleetwarden.verify.LegacySignature;
import io.fleetwarden.verify.SignatureVerdict;
import io.fleetwarden.verify.TrustAnchor;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LegacyVerificationTest {

    static final Digest ARTIFACT = Digest.sha256Of("the image manifest".getBytes(StandardCharsets.UTF_8));
    static final Instant SIGNED = Instant.parse("2025-03-01T10:00:00Z");
    static final String LABEL = "legacy sha256-abc.sig layer 0";

    static LegacyTestMaterial sigstore;
    static CosignSignatureVerifier verifier;

    @BeforeAll
    static void setUp() throws Exception {
        sigstore = new LegacyTestMaterial();
        TrustedRoots roots = TrustedRoots.empty().add("test", sigstore.trustedRoot());
        verifier = new CosignSignatureVerifier(roots, Clock.fixed(SIGNED.plusSeconds(3600), ZoneOffset.UTC));
    }

    /** A keyless legacy signature as cosign writes it, made by a fresh signer with our test CA and logs. */
    static final class Keyless {
        final KeyPair signer = p256();
        final X509Certificate leaf;
        byte[] payload = simpleSigning(ARTIFACT.toString(), "cosign container image signature");
        final Map<String, String> annotations = new HashMap<>();

        Keyless() throws Exception {
            leaf = sigstore.leaf(signer.getPublic(), SIGNED);
            sign(payload, sigstore.rekorKey, SIGNED.plusSeconds(60));
        }

        Keyless sign(byte[] newPayload, KeyPair log, Instant integrated) throws Exception {
            payload = newPayload;
            byte[] sig = ecdsa(signer.getPrivate(), payload);
            annotations.put(LegacySignature.SIGNATURE, b64(sig));
            annotations.put(LegacySignature.CERTIFICATE, pem(leaf));
            annotations.put(LegacySignature.CHAIN, pem(sigstore.ca));
            annotations.put(LegacySignature.BUNDLE, rekorBundle(log, hashedRekord(sha256(payload), sig, pem(leaf)),
                    integrated.getEpochSecond(), 42));
            return this;
        }

        SignatureVerdict verify() {
            return verifier.verifyLegacy(new LegacySignature(LABEL, payload, annotations), ARTIFACT,
                    TrustAnchor.keyless("test"));
        }
    }

    @Test
    void validKeylessSignatureNamesSignerTimeAndEvidence() throws Exception {
        SignatureVerdict verdict = new Keyless().verify();

        assertThat(verdict).isInstanceOf(SignatureVerdict.Valid.class);
        SignatureVerdict.Valid valid = (SignatureVerdict.Valid) verdict;
        assertThat(valid.signer().subject()).isEqualTo(LegacyTestMaterial.SAN);
        assertThat(valid.signer().issuer()).isEqualTo(LegacyTestMaterial.ISSUER);
        assertThat(valid.signedAt()).isEqualTo(SIGNED.plusSeconds(60));
        assertThat(valid.evidence()).containsExactlyInAnyOrder(Evidence.LEGACY_SIGNATURE_TAG, Evidence.CERTIFICATE_CHAIN,
                Evidence.SCT, Evidence.SIGNED_ENTRY_TIMESTAMP);
        assertThat(valid.predicateType()).isNull();
    }

    @Test
    void wrongCriticalTypeIsPayloadType() throws Exception {
        Keyless sig = new Keyless();
        sig.sign(simpleSigning(ARTIFACT.toString(), "cosign sbom"), sigstore.rekorKey, SIGNED.plusSeconds(60));

        assertThat(failures(sig.verify())).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo(Check.PAYLOAD_TYPE);
            assertThat(f.message()).isEqualTo("critical.type is \"cosign sbom\", expected \"cosign container image signature\"");
            assertThat(f.signature()).isEqualTo(LABEL);
        });
    }

    @Test
    void wrongManifestDigestAndForeignSetAreBothReported() throws Exception {
        Digest other = Digest.sha256Of("another manifest".getBytes(StandardCharsets.UTF_8));
        Keyless sig = new Keyless();
        sig.sign(simpleSigning(other.toString(), "cosign container image signature"), p256(), SIGNED.plusSeconds(60));

        assertThat(failures(sig.verify())).extracting(CheckFailure::check).containsExactly(Check.ARTIFACT_DIGEST,
                Check.TLOG_ENTRY);
        assertThat(failures(sig.verify()).get(0).message()).isEqualTo("the payload signs " + other
                + " (critical.image.docker-manifest-digest), not " + ARTIFACT);
        assertThat(failures(sig.verify()).get(1).message()).startsWith("SET by a log not in the trusted root (logID ");
    }

    @Test
    void badBase64SignatureIsFormatError() throws Exception {
        Keyless sig = new Keyless();
        sig.annotations.put(LegacySignature.SIGNATURE, "not*base64!");

        assertThat(failures(sig.verify())).anySatisfy(f -> {
            assertThat(f.check()).isEqualTo(Check.SIGNATURE_FORMAT);
            assertThat(f.message()).startsWith("the dev.cosignproject.cosign/signature annotation is not valid base64");
        });
    }

    @Test
    void signatureByAnotherKeyFailsSignature() throws Exception {
        Keyless sig = new Keyless();
        sig.annotations.put(LegacySignature.SIGNATURE, b64(ecdsa(p256().getPrivate(), sig.payload)));

        assertThat(failures(sig.verify())).extracting(CheckFailure::check).contains(Check.SIGNATURE);
    }

    @Test
    void oversizedPayloadIsRejectedBeforeParsing() throws Exception {
        Keyless sig = new Keyless();
        sig.payload = new byte[LegacyVerification.MAX_PAYLOAD_BYTES + 1];

        assertThat(failures(sig.verify())).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo(Check.SIGNATURE_FORMAT);
            assertThat(f.message()).isEqualTo("the simple-signing payload is larger than 65536 bytes (65537)");
        });
    }

    @Test
    void keylessWithoutBundleAnnotationHasNoLogEvidence() throws Exception {
        Keyless sig = new Keyless();
        sig.annotations.remove(LegacySignature.BUNDLE);

        assertThat(failures(sig.verify())).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo(Check.TLOG_ENTRY);
            assertThat(f.message()).isEqualTo("no transparency log evidence (no dev.sigstore.cosign/bundle annotation); "
                    + "online Rekor lookups are not performed");
        });
    }

    @Test
    void logBodyForOtherContentIsTlogBody() throws Exception {
        Keyless sig = new Keyless();
        byte[] signature = ecdsa(sig.signer.getPrivate(), sig.payload);
        sig.annotations.put(LegacySignature.SIGNATURE, b64(signature));
        String body = hashedRekord(sha256("something else".getBytes(StandardCharsets.UTF_8)), signature, pem(sig.leaf));
        sig.annotations.put(LegacySignature.BUNDLE, rekorBundle(sigstore.rekorKey, body, SIGNED.plusSeconds(60).getEpochSecond(), 7));

        assertThat(failures(sig.verify())).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo(Check.TLOG_BODY);
            assertThat(f.message()).startsWith("the log entry records hash sha256:")
                    .endsWith("but the signed content has sha256:" + java.util.HexFormat.of().formatHex(sha256(sig.payload)));
        });
    }

    @Test
    void integratedTimeAfterCertificateExpiryIsIntegratedTime() throws Exception {
        Keyless sig = new Keyless();
        sig.sign(sig.payload, sigstore.rekorKey, SIGNED.plusSeconds(3000));

        assertThat(failures(sig.verify())).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo(Check.INTEGRATED_TIME);
            assertThat(f.message()).startsWith("the Rekor integrated time 2025-03-01T10:50:00Z is outside the certificate's validity");
        });
    }

    @Test
    void certificateFromAnotherCaIsRejectedEvenWithItsChainAnnotation() throws Exception {
        LegacyTestMaterial rogue = new LegacyTestMaterial();
        Keyless sig = new Keyless();
        KeyPair signer = p256();
        X509Certificate leaf = rogue.leaf(signer.getPublic(), SIGNED);
        byte[] signature = ecdsa(signer.getPrivate(), sig.payload);
        sig.annotations.put(LegacySignature.SIGNATURE, b64(signature));
        sig.annotations.put(LegacySignature.CERTIFICATE, pem(leaf));
        sig.annotations.put(LegacySignature.CHAIN, pem(rogue.ca));
        sig.annotations.put(LegacySignature.BUNDLE, rekorBundle(sigstore.rekorKey,
                hashedRekord(sha256(sig.payload), signature, pem(leaf)), SIGNED.plusSeconds(60).getEpochSecond(), 1));

        assertThat(failures(sig.verify())).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo(Check.CERTIFICATE_CHAIN);
            assertThat(f.message()).startsWith("the certificate does not chain to a Fulcio CA of the trusted root");
        });
    }

    @Test
    void keyBasedSignatureVerifiesWithTheGivenKeyOnly() throws Exception {
        KeyPair key = p256();
        byte[] payload = simpleSigning(ARTIFACT.toString(), "cosign container image signature");
        LegacySignature sig = new LegacySignature(LABEL, payload,
                Map.of(LegacySignature.SIGNATURE, b64(ecdsa(key.getPrivate(), payload))));

        SignatureVerdict valid = verifier.verifyLegacy(sig, ARTIFACT, TrustAnchor.key(key.getPublic(), "test", false));
        assertThat(valid).isInstanceOfSatisfying(SignatureVerdict.Valid.class, v -> {
            assertThat(v.signer().keyId()).isEqualTo(CertificateClaims.keyId(key.getPublic()));
            assertThat(v.evidence()).containsExactlyInAnyOrder(Evidence.LEGACY_SIGNATURE_TAG, Evidence.PUBLIC_KEY);
            assertThat(v.signedAt()).isNull();
        });

        SignatureVerdict wrongKey = verifier.verifyLegacy(sig, ARTIFACT, TrustAnchor.key(p256().getPublic(), "test", false));
        assertThat(failures(wrongKey)).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo(Check.SIGNATURE);
            assertThat(f.message()).isEqualTo("the signature does not verify over the payload with the given public key");
        });

        SignatureVerdict noLog = verifier.verifyLegacy(sig, ARTIFACT, TrustAnchor.key(key.getPublic(), "test", true));
        assertThat(failures(noLog)).extracting(CheckFailure::check).containsExactly(Check.TLOG_ENTRY);
    }

    @Test
    void keyBasedSignatureWithSetCarriesTheLogTime() throws Exception {
        KeyPair key = p256();
        byte[] payload = simpleSigning(ARTIFACT.toString(), "cosign container image signature");
        byte[] signature = ecdsa(key.getPrivate(), payload);
        String body = hashedRekord(sha256(payload), signature, pem(key.getPublic()));
        LegacySignature sig = new LegacySignature(LABEL, payload, Map.of(LegacySignature.SIGNATURE, b64(signature),
                LegacySignature.BUNDLE, rekorBundle(sigstore.rekorKey, body, SIGNED.getEpochSecond(), 3)));

        SignatureVerdict verdict = verifier.verifyLegacy(sig, ARTIFACT, TrustAnchor.key(key.getPublic(), "test", true));

        assertThat(verdict).isInstanceOfSatisfying(SignatureVerdict.Valid.class, v -> {
            assertThat(v.signedAt()).isEqualTo(SIGNED);
            assertThat(v.evidence()).contains(Evidence.SIGNED_ENTRY_TIMESTAMP, Evidence.PUBLIC_KEY);
        });
    }

    @Test
    void signingTimeAfterTheCaWasRetiredIsAuthorityValidity() throws Exception {
        String root = new String(sigstore.trustedRoot(), StandardCharsets.UTF_8);
        String caStart = "\"start\":\"" + LegacyTestMaterial.ROOT_START + "\"";
        int at = root.lastIndexOf(caStart) + caStart.length();
        String retired = root.substring(0, at) + ",\"end\":\"" + SIGNED.plusSeconds(30) + "\"" + root.substring(at);
        CosignSignatureVerifier strict = new CosignSignatureVerifier(
                TrustedRoots.empty().add("test", retired.getBytes(StandardCharsets.UTF_8)),
                Clock.fixed(SIGNED.plusSeconds(3600), ZoneOffset.UTC));
        Keyless sig = new Keyless();

        SignatureVerdict verdict = strict.verifyLegacy(new LegacySignature(LABEL, sig.payload, sig.annotations), ARTIFACT,
                TrustAnchor.keyless("test"));

        assertThat(failures(verdict)).singleElement().satisfies(f -> {
            assertThat(f.check()).isEqualTo(Check.AUTHORITY_VALIDITY);
            assertThat(f.message()).isEqualTo("signing time 2025-03-01T10:01:00Z is outside the validity of the "
                    + "certificate authority https://fulcio.test (valid from 2024-01-01T00:00:00Z to 2025-03-01T10:00:30Z)");
        });
    }

    @Test
    void integratedTimeInTheFutureIsRejected() throws Exception {
        CosignSignatureVerifier early = new CosignSignatureVerifier(TrustedRoots.empty().add("test", sigstore.trustedRoot()),
                Clock.fixed(SIGNED.minusSeconds(3600), ZoneOffset.UTC));
        Keyless sig = new Keyless();

        SignatureVerdict verdict = early.verifyLegacy(new LegacySignature(LABEL, sig.payload, sig.annotations), ARTIFACT,
                TrustAnchor.keyless("test"));

        assertThat(failures(verdict)).extracting(CheckFailure::check).containsExactly(Check.INTEGRATED_TIME);
        assertThat(failures(verdict).get(0).message()).startsWith("the signing time 2025-03-01T10:01:00Z is in the future");
    }

    @Test
    void unknownTrustedRootIsReportedByName() throws Exception {
        Keyless sig = new Keyless();
        SignatureVerdict verdict = verifier.verifyLegacy(new LegacySignature(LABEL, sig.payload, sig.annotations), ARTIFACT,
                TrustAnchor.keyless("corp"));

        assertThat(failures(verdict)).singleElement().satisfies(f -> assertThat(f.message())
                .isEqualTo("trusted root \"corp\" is not loaded (loaded: [test])"));
    }

    static java.util.List<CheckFailure> failures(SignatureVerdict verdict) {
        assertThat(verdict).isInstanceOf(SignatureVerdict.Invalid.class);
        return ((SignatureVerdict.Invalid) verdict).failures();
    }
}
