package io.fleetwarden.verify.cosign;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.verify.SignatureVerdict;
import io.fleetwarden.verify.TrustAnchor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The sigstore-conformance {@code bundle-verify} cases (subset in {@code ../shared/fixtures}), each run twice as
 * upstream does: artifact given as a file (digest computed here) and as {@code sha256:<hex>}. A case passes when
 * "verdict valid and identity matches exactly" equals "name does not end with _fail". Offline: cases without
 * their own trusted root use the public-good root from the fixtures.
 */
class SigstoreConformanceTest {

    static final Path FIXTURES = Path.of("..", "shared", "fixtures", "sigstore-conformance");
    static final Path ASSETS = FIXTURES.resolve(Path.of("test", "assets", "bundle-verify"));
    static final Path PUBLIC_GOOD = FIXTURES.resolve(Path.of("offline-trust", "trusted_root.public-good.json"));
    static final String DEFAULT_IDENTITY = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/"
            + ".github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    static final String DEFAULT_ISSUER = "https://token.actions.githubusercontent.com";

    private static TrustedRoots publicGood;

    @TestFactory
    Stream<DynamicTest> bundleVerifyCases() throws IOException {
        assertThat(ASSETS).as("conformance fixtures at %s", ASSETS.toAbsolutePath()).isDirectory();
        assertThat(PUBLIC_GOOD).isRegularFile();
        List<Path> cases = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(ASSETS)) {
            dirs.filter(Files::isDirectory).sorted().forEach(cases::add);
        }
        assertThat(cases).hasSize(28);
        return cases.stream().flatMap(dir -> Stream.of(
                DynamicTest.dynamicTest(dir.getFileName() + " [file]", () -> run(dir, false)),
                DynamicTest.dynamicTest(dir.getFileName() + " [digest]", () -> run(dir, true))));
    }

    private static void run(Path dir, boolean asDigestString) throws Exception {
        String name = dir.getFileName().toString();
        boolean expectValid = !name.endsWith("_fail");
        Path artifact = Files.exists(dir.resolve("artifact")) ? dir.resolve("artifact") : ASSETS.resolve("a.txt");
        byte[] content = Files.readAllBytes(artifact);
        Digest digest = asDigestString
                ? Digest.parse("sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)))
                : Digest.sha256Of(content);
        String identity = read(dir.resolve("identity"), DEFAULT_IDENTITY);
        String issuer = read(dir.resolve("issuer"), DEFAULT_ISSUER);

        TrustedRoots roots;
        String rootName;
        if (Files.exists(dir.resolve("trusted_root.json"))) {
            rootName = name;
            try {
                roots = TrustedRoots.empty().add(rootName, Files.readAllBytes(dir.resolve("trusted_root.json")));
            } catch (TrustedRootException e) {
                assertThat(expectValid).as("%s: trusted root rejected: %s", name, e.getMessage()).isFalse();
                return;
            }
        } else {
            rootName = TrustAnchor.PUBLIC_GOOD;
            roots = publicGood();
        }
        TrustAnchor anchor = Files.exists(dir.resolve("key.pub"))
                ? TrustAnchor.key(Encodings.publicKey("key.pub", Files.readString(dir.resolve("key.pub"))), rootName, false)
                : TrustAnchor.keyless(rootName);

        SignatureVerdict verdict = new CosignSignatureVerifier(roots, Clock.systemUTC())
                .verifyBundle("bundle " + name, Files.readAllBytes(dir.resolve("bundle.sigstore.json")), digest, anchor);

        boolean accepted = verdict instanceof SignatureVerdict.Valid valid
                && (anchor.isKeyBased() || (identity.equals(valid.signer().subject()) && issuer.equals(valid.signer().issuer())));
        assertThat(accepted).as("%s: expected %s, verdict %s", name, expectValid ? "valid" : "invalid", verdict)
                .isEqualTo(expectValid);
    }

    private static synchronized TrustedRoots publicGood() throws IOException {
        if (publicGood == null) {
            publicGood = TrustedRoots.empty().add(TrustAnchor.PUBLIC_GOOD, Files.readAllBytes(PUBLIC_GOOD));
        }
        return publicGood;
    }

    private static String read(Path file, String fallback) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : fallback;
    }
}
