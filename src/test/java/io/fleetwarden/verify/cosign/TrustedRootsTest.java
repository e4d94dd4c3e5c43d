package io.fleetwarden.verify.cosign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.verify.SignatureVerdict;
import io.fleetwarden.verify.TrustAnchor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class TrustedRootsTest {

    static final Path CASES = SigstoreConformanceTest.ASSETS;

    @Test
    void embeddedPublicGoodRootLoadsAndVerifiesARealBundle() throws Exception {
        TrustedRoots roots = TrustedRoots.withPublicGood();
        assertThat(roots.names()).containsExactly(TrustAnchor.PUBLIC_GOOD);

        byte[] bundle = Files.readAllBytes(CASES.resolve("happy-path-v0.3/bundle.sigstore.json"));
        Digest artifact = Digest.sha256Of(Files.readAllBytes(CASES.resolve("a.txt")));
        SignatureVerdict verdict = new CosignSignatureVerifier(roots, Clock.systemUTC())
                .verifyBundle("file bundle.json", bundle, artifact, TrustAnchor.keyless(TrustAnchor.PUBLIC_GOOD));
        assertThat(verdict).isInstanceOf(SignatureVerdict.Valid.class);
    }

    @Test
    void missingValidityStartMakesTheRootUnusable() throws Exception {
        byte[] json = Files.readAllBytes(CASES.resolve("trust-root-tlog-missing-validity-start_fail/trusted_root.json"));

        assertThatThrownBy(() -> TrustedRoots.empty().add("staging", json)).isInstanceOf(TrustedRootException.class)
                .hasMessage("trusted root \"staging\": tlogs[1].publicKey.validFor.start is missing");
    }

    @Test
    void everySectionNeedsAStart() throws Exception {
        String root = new String(new LegacyTestMaterial().trustedRoot(), StandardCharsets.UTF_8);
        String start = "\"start\":\"" + LegacyTestMaterial.ROOT_START + "\"";
        // The CA's validFor is the last one in the document.
        String withoutCaStart = root.substring(0, root.lastIndexOf(start)) + "\"end\":\"2030-01-01T00:00:00Z\""
                + root.substring(root.lastIndexOf(start) + start.length());

        assertThatThrownBy(() -> TrustedRoots.empty().add("corp", withoutCaStart.getBytes(StandardCharsets.UTF_8)))
                .hasMessage("trusted root \"corp\": certificateAuthorities[0].validFor.start is missing");
        String withoutTlogStart = root.replaceFirst(java.util.regex.Pattern.quote(start), "\"x\":1");
        assertThatThrownBy(() -> TrustedRoots.empty().add("corp", withoutTlogStart.getBytes(StandardCharsets.UTF_8)))
                .hasMessage("trusted root \"corp\": tlogs[0].publicKey.validFor.start is missing");
    }

    @Test
    void garbageIsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> TrustedRoots.empty().add("corp", "{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(TrustedRootException.class).hasMessageStartingWith("trusted root \"corp\" is not valid JSON: ");
        assertThatThrownBy(() -> TrustedRoots.empty().add("corp", "[1,2]".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("trusted root \"corp\" must be a JSON object");
        assertThatThrownBy(() -> TrustedRoots.empty().add("corp", "{\"tlogs\":{}}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("trusted root \"corp\": tlogs must be an array");
        assertThatThrownBy(() -> TrustedRoots.empty().add("corp", "{\"mediaType\":\"text/plain\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("trusted root \"corp\" is not a valid Sigstore trusted root: ");
        assertThatThrownBy(() -> TrustedRoots.empty().add("corp", new byte[TrustedRoots.MAX_TRUSTED_ROOT_BYTES + 1]))
                .hasMessage("trusted root \"corp\" is larger than 1048576 bytes");
    }

    @Test
    void aRejectedReplacementKeepsTheLoadedRoot() throws Exception {
        TrustedRoots roots = TrustedRoots.empty().add("corp", new LegacyTestMaterial().trustedRoot());

        assertThatThrownBy(() -> roots.add("corp", "{".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(TrustedRootException.class);
        assertThat(roots.contains("corp")).isTrue();
    }

    @Test
    void aRefusedRootIsUnloadedAndVerificationsAgainstItNameTheReason() throws Exception {
        LegacyTestMaterial material = new LegacyTestMaterial();
        TrustedRoots roots = TrustedRoots.empty().add("configmap:corp/trusted_root.json", material.trustedRoot());
        assertThat(roots.unavailable("configmap:corp/trusted_root.json")).isEmpty();

        roots.refuse("configmap:corp/trusted_root.json", "ConfigMap flux-system/corp has no key trusted_root.json");
        assertThat(roots.contains("configmap:corp/trusted_root.json")).isFalse();
        assertThat(roots.unavailable("configmap:corp/trusted_root.json")).hasValue("trusted root "
                + "\"configmap:corp/trusted_root.json\" is not loaded: ConfigMap flux-system/corp has no key trusted_root.json");
        byte[] bundle = Files.readAllBytes(CASES.resolve("happy-path-v0.3/bundle.sigstore.json"));
        SignatureVerdict verdict = new CosignSignatureVerifier(roots, Clock.systemUTC()).verifyBundle("file b.json",
                bundle, Digest.sha256Of(Files.readAllBytes(CASES.resolve("a.txt"))),
                TrustAnchor.keyless("configmap:corp/trusted_root.json"));
        assertThat(verdict).isInstanceOf(SignatureVerdict.Invalid.class);
        assertThat(verdict.toString()).contains("ConfigMap flux-system/corp has no key trusted_root.json");

        roots.add("configmap:corp/trusted_root.json", material.trustedRoot());
        assertThat(roots.unavailable("configmap:corp/trusted_root.json")).isEmpty();
        roots.remove("configmap:corp/trusted_root.json");
        assertThat(roots.unavailable("configmap:corp/trusted_root.json")).hasValue("trusted root "
                + "\"configmap:corp/trusted_root.json\" is not loaded (loaded: [])");
    }
}
