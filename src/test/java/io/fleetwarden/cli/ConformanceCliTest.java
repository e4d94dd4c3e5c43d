package io.fleetwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The sigstore-conformance bundle-verify cases, run through {@code fleetwarden verify-bundle} exactly as
 * the conformance harness calls a client, in both modes (artifact path and {@code sha256:} digest): exit 0
 * if and only if the case does not end in {@code _fail}, and a single line on stderr otherwise.
 */
class ConformanceCliTest {

    static final Path SUITE = Path.of("..", "shared", "fixtures", "sigstore-conformance");
    static final Path CASES = SUITE.resolve("test/assets/bundle-verify");
    static final String DEFAULT_IDENTITY = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/"
            + ".github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    static final String DEFAULT_ISSUER = "https://token.actions.githubusercontent.com";

    @TestFactory
    Stream<DynamicTest> everyCaseInBothModes() throws IOException {
        assertThat(CASES).as("conformance fixtures beside the project").isDirectory();
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(CASES)) {
            for (Path c : dirs.filter(Files::isDirectory).sorted().toList()) {
                tests.add(dynamicTest(c.getFileName() + " [path]", () -> run(c, false)));
                tests.add(dynamicTest(c.getFileName() + " [digest]", () -> run(c, true)));
            }
        }
        assertThat(tests).hasSize(56);
        return tests.stream();
    }

    static void run(Path c, boolean digestMode) throws Exception {
        Path artifact = Files.exists(c.resolve("artifact")) ? c.resolve("artifact") : CASES.resolve("a.txt");
        List<String> args = new ArrayList<>(List.of("verify-bundle", "--bundle", c.resolve("bundle.sigstore.json").toString()));
        if (Files.exists(c.resolve("key.pub"))) {
            args.addAll(List.of("--key", c.resolve("key.pub").toString()));
        } else {
            args.addAll(List.of("--certificate-identity", read(c, "identity", DEFAULT_IDENTITY),
                    "--certificate-oidc-issuer", read(c, "issuer", DEFAULT_ISSUER)));
        }
        Path root = Files.exists(c.resolve("trusted_root.json")) ? c.resolve("trusted_root.json")
                : SUITE.resolve("offline-trust/trusted_root.public-good.json");
        args.addAll(List.of("--trusted-root", root.toString()));
        args.add(digestMode ? VerifyBundleCommand.digestOf(artifact.toString()).toString() : artifact.toString());

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FleetwardenCli.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));

        boolean mustFail = c.getFileName().toString().endsWith("_fail");
        assertThat(code).as("exit code; stderr: " + err).isEqualTo(mustFail ? 1 : 0);
        if (mustFail) {
            assertThat(err.toString().strip()).startsWith("fleetwarden verify-bundle: ").doesNotContain("\n");
        } else {
            assertThat(err.toString()).isEmpty();
            assertThat(out.toString()).isEqualTo("Verified OK" + System.lineSeparator());
        }
    }

    static String read(Path c, String file, String fallback) throws IOException {
        return Files.exists(c.resolve(file)) ? Files.readString(c.resolve(file)).strip() : fallback;
    }
}
