package io.fleetwarden.cli;

import io.fleetwarden.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.RegistryPki;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {

    static SignedArtifacts artifacts;
    static Path trustedRoot;

    @TempDir
    static Path dir;


    @BeforeAll
    static void start() throws IOException {
        artifacts = SignedArtifacts.onSharedRegistry();
        trustedRoot = dir.resolve("trusted_root.json");
        Files.write(trustedRoot, artifacts.sigstore().trustedRootJson());
    }

    @AfterAll
    static void stop() {
        artifacts.close();
    }

    static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    static Path policy(String repoPattern) throws IOException {
        Path p = Files.createTempFile(dir, "policy", ".yaml");
        Files.writeString(p, """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: fleet-staging}
                spec:
                  sources: ["oci://%s/*"]
                  authorities:
                    - name: push-artifact
                      trustedRoot: local
                      keyless:
                        issuer: https://token.actions.githubusercontent.com
                        github:
                          repository: acme/fleet
                          workflow: .github/workflows/push-artifact.yaml
                          refs: [refs/heads/main]
                """.formatted(repoPattern));
        return p;
    }

    static String signed(String name, SigningRequest request) {
        String repo = SignedArtifacts.uniqueRepo(name, "frontend");
        Digest d = artifacts.publish(repo, "latest");
        if (request != null) {
            artifacts.signBundle(repo, d, request);
        }
        return "oci://" + artifacts.host() + "/" + repo + ":latest";
    }

    @Test
    void verifiedUnderAPolicyFileExitsZeroAndSaysWhoSigned() throws IOException {
        String ref = signed("cli-ok", SigningRequest.github());
        CliRun r = cli("verify", ref, "--policy", policy(artifacts.host() + "/cli-ok-*").toString(),
                "--trusted-root", "local=" + trustedRoot);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("VERIFIED " + ref + "@sha256:")
                .contains("(policy fleet-staging, authority push-artifact)")
                .contains("sourceRepository:  https://github.com/acme/fleet");
    }

    @Test
    void unsignedAndWronglySignedExitOneWithTheReason() throws IOException {
        Path policy = policy(artifacts.host() + "/*");
        CliRun unsigned = cli("verify", signed("cli-unsigned", null), "--policy", policy.toString(),
                "--trusted-root", "local=" + trustedRoot);
        assertThat(unsigned.code()).isEqualTo(1);
        assertThat(unsigned.out()).startsWith("NOT VERIFIED ").contains("SIGNATURE_PRESENT [artifact]: no cosign signature found");

        CliRun wrong = cli("verify", signed("cli-wrong", SigningRequest.keyless(Identity.github().workflowFile("evil.yaml")
                .build()).build()), "--policy", policy.toString(), "--trusted-root", "local=" + trustedRoot);
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(wrong.out()).contains("WORKFLOW [referrer sha256:").contains(
                "workflow is \".github/workflows/evil.yaml\", policy requires \".github/workflows/push-artifact.yaml\"");
    }

    static Path policyInMode(String repoPattern, String mode) throws IOException {
        Path p = policy(repoPattern);
        Files.writeString(p, Files.readString(p).replace("spec:\n", "spec:\n  mode: " + mode + "\n"));
        return p;
    }

    @Test
    void theModeDecidesAsAtTheGate() throws IOException {
        String repo = SignedArtifacts.uniqueRepo("cli-mode", "frontend");
        Digest digest = artifacts.publish(repo, "latest");
        String unsigned = "oci://" + artifacts.host() + "/" + repo + ":latest";
        CliRun warn = cli("verify", unsigned, "--policy", policyInMode(artifacts.host() + "/cli-mode-*", "Warn").toString(),
                "--trusted-root", "local=" + trustedRoot);
        assertThat(warn.code()).as(warn.out() + warn.err()).isZero();
        // What failed, as Enforce would deny it, and that it is only a warning.
        assertThat(warn.out().lines()).containsExactly(
                "NOT VERIFIED " + unsigned + "@" + digest + " (policy fleet-staging, mode Warn)",
                "  SIGNATURE_PRESENT [artifact]: no cosign signature found for " + digest + ": neither a Sigstore bundle "
                        + "referrer nor the legacy tag " + digest.toString().replace(':', '-') + ".sig",
                "  warning: policy fleet-staging is in mode Warn: the webhook admits this artifact with a warning");

        CliRun warnJson = cli("verify", unsigned, "--policy", policyInMode(artifacts.host() + "/cli-mode-*", "Warn")
                .toString(), "--trusted-root", "local=" + trustedRoot, "-o", "json");
        assertThat(warnJson.code()).isZero();
        JsonNode verdict = new ObjectMapper().readTree(warnJson.out()).path("verdicts").path(0);
        assertThat(verdict.path("mode").asText()).isEqualTo("Warn");
        assertThat(verdict.path("outcome").asText()).isEqualTo("NotVerified");
        assertThat(verdict.path("warning").asText()).contains("mode Warn");

        Path allowPolicy = Files.writeString(dir.resolve("allow.yaml"), """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: fleet-staging}
                spec:
                  mode: Allow
                  sources: ["oci://%s/cli-mode-*"]
                """.formatted(artifacts.host()));
        CliRun allow = cli("verify", unsigned, "--policy", allowPolicy.toString());
        assertThat(allow.code()).as(allow.out() + allow.err()).isZero();
        assertThat(allow.out()).isEqualTo("ALLOWED " + unsigned + " (policy fleet-staging, mode Allow): no signature "
                + "required" + System.lineSeparator());

        CliRun enforce = cli("verify", unsigned, "--policy", policyInMode(artifacts.host() + "/cli-mode-*", "Enforce")
                .toString(), "--trusted-root", "local=" + trustedRoot);
        assertThat(enforce.code()).isEqualTo(1);
        assertThat(enforce.out()).startsWith("NOT VERIFIED ").doesNotContain("warning");
    }

    @Test
    void identityFlagsAndJsonOutput() throws IOException {
        String ref = signed("cli-flags", SigningRequest.github());
        CliRun r = cli("verify", ref, "--certificate-identity",
                "https://github.com/acme/fleet/.github/workflows/push-artifact.yaml@refs/heads/main",
                "--certificate-oidc-issuer", "https://token.actions.githubusercontent.com", "--trusted-root",
                trustedRoot.toString(), "-o", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode verdict = new ObjectMapper().readTree(r.out()).path("verdicts").path(0);
        assertThat(verdict.path("outcome").asText()).isEqualTo("Verified");
        assertThat(verdict.path("signer").path("sourceRef").asText()).isEqualTo("refs/heads/main");
        assertThat(verdict.path("evidence").toString()).contains("BUNDLE_REFERRER", "INCLUSION_PROOF");
    }

    @Test
    void cosignFlagNamesVerifyAndTheSuccessLineIsCosigns() {
        String ref = signed("cli-cosign", SigningRequest.github());
        String[] cosign = {"verify", ref, "--certificate-identity",
            "https://github.com/acme/fleet/.github/workflows/push-artifact.yaml@refs/heads/main",
            "--certificate-oidc-issuer", "https://token.actions.githubusercontent.com",
            "--certificate-github-workflow-repository", "acme/fleet",
            "--certificate-github-workflow-ref", "refs/heads/main",
            "--certificate-github-workflow-trigger", "push", "--trusted-root", trustedRoot.toString()};
        CliRun r = cli(cosign);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("VERIFIED " + ref + "@sha256:")
                .endsWith(System.lineSeparator() + "Verified OK" + System.lineSeparator());

        // Without --certificate-identity (which names the repository too: they would contradict, a usage error).
        CliRun wrongRepository = cli("verify", ref, "--certificate-oidc-issuer", "https://token.actions.githubusercontent.com",
                "--certificate-github-workflow-repository", "acme/other", "--trusted-root", trustedRoot.toString());
        assertThat(wrongRepository.code()).as(wrongRepository.out() + wrongRepository.err()).isEqualTo(1);
        assertThat(wrongRepository.out()).contains("SOURCE_REPOSITORY").doesNotContain("Verified OK");

        String[] otherTrigger = cosign.clone();
        otherTrigger[11] = "workflow_dispatch";
        CliRun wrongTrigger = cli(otherTrigger);
        assertThat(wrongTrigger.code()).as(wrongTrigger.out() + wrongTrigger.err()).isEqualTo(1);
        assertThat(wrongTrigger.out()).contains("BUILD_TRIGGER").doesNotContain("Verified OK");
    }

    @Test
    void onlyACompleteVerificationSaysVerifiedOk() throws IOException {
        String unsigned = signed("cli-notok", null);
        CliRun warn = cli("verify", unsigned, "--policy", policyInMode(artifacts.host() + "/cli-notok-*", "Warn")
                .toString(), "--trusted-root", "local=" + trustedRoot);
        assertThat(warn.code()).isZero();
        assertThat(warn.out()).doesNotContain("Verified OK");

        String ref = signed("cli-json", SigningRequest.github());
        CliRun json = cli("verify", ref, "--policy", policy(artifacts.host() + "/cli-json-*").toString(), "--trusted-root",
                "local=" + trustedRoot, "-o", "json");
        assertThat(json.code()).isZero();
        assertThat(json.out()).doesNotContain("Verified OK").startsWith("{");
    }

    @Test
    void aRegistryBehindAPrivateCaAndMutualTlsIsReachedWithCosignsTlsFlags() throws IOException {
        RegistryPki registryCa = RegistryPki.create("acme registry CA");
        RegistryPki clientCa = RegistryPki.create("acme client CA");
        RegistryPki.Issued serving = registryCa.server(List.of("127.0.0.1"));
        RegistryPki.Issued client = clientCa.client("fleetwarden-cli", "RSA");
        Path caFile = Files.writeString(dir.resolve("registry-ca.crt"), registryCa.certificatePem());
        Path certFile = Files.writeString(dir.resolve("client.crt"), client.certificatePem());
        Path keyFile = Files.writeString(dir.resolve("client.key"), client.traditionalKeyPem());
        Path otherKey = Files.writeString(dir.resolve("other.key"), clientCa.client("x", "EC").pkcs8KeyPem());
        try (TestRegistry mirror = TestRegistry.tlsMirrorOf(artifacts.registry(),
                RegistryPki.write(serving.certificatePem(), ".crt"), RegistryPki.write(serving.pkcs8KeyPem(), ".key"),
                RegistryPki.write(clientCa.certificatePem(), ".crt"))) {
            String ref = signed("cli-tls", SigningRequest.github()).replace(artifacts.host(), mirror.host());
            List<String> verify = List.of("verify", ref, "--policy", policy(mirror.host() + "/cli-tls-*").toString(),
                    "--trusted-root", "local=" + trustedRoot, "--timeout", "10s");

            CliRun ok = cli(with(verify, "--registry-cacert", caFile.toString(), "--registry-client-cert",
                    certFile.toString(), "--registry-client-key", keyFile.toString()));
            assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
            assertThat(ok.out()).startsWith("VERIFIED " + ref + "@sha256:");

            CliRun noClientCertificate = cli(with(verify, "--registry-cacert", caFile.toString()));
            assertThat(noClientCertificate.code()).as(noClientCertificate.out()).isEqualTo(2);
            assertThat(noClientCertificate.out()).startsWith("UNAVAILABLE " + ref);

            CliRun halfPair = cli(with(verify, "--registry-client-cert", certFile.toString()));
            assertThat(halfPair.code()).isEqualTo(64);
            assertThat(halfPair.err()).isEqualTo("fleetwarden verify: --registry-client-cert needs --registry-client-key"
                    + System.lineSeparator());

            CliRun wrongKey = cli(with(verify, "--registry-client-cert", certFile.toString(), "--registry-client-key",
                    otherKey.toString()));
            assertThat(wrongKey.code()).isEqualTo(64);
            assertThat(wrongKey.err()).isEqualTo("fleetwarden verify: --registry-client-key " + otherKey + " is not the "
                    + "private key of the first certificate in --registry-client-cert " + certFile + System.lineSeparator());

            CliRun notACa = cli(with(verify, "--registry-cacert", keyFile.toString()));
            assertThat(notACa.code()).isEqualTo(64);
            assertThat(notACa.err()).contains("--registry-cacert " + keyFile + " holds no PEM certificate")
                    .doesNotContain("PRIVATE KEY");
        }
    }

    private static String[] with(List<String> base, String... more) {
        List<String> all = new java.util.ArrayList<>(base);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void anUnreachableRegistryExitsTwo() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CliRun r = cli("verify", "oci://127.0.0.1:" + port + "/apps/frontend:latest", "--certificate-identity", "x",
                "--certificate-oidc-issuer", "y", "--timeout", "2s");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).startsWith("UNAVAILABLE oci://127.0.0.1:" + port).contains("could not decide");
    }

    @Test
    void badInputGetsAClearErrorAndAUsageExit() throws IOException {
        CliRun badRef = cli("verify", "oci://ghcr.io/Acme/x:latest", "--certificate-identity", "x", "--certificate-oidc-issuer", "y");
        assertThat(badRef.code()).isEqualTo(64);
        assertThat(badRef.err()).contains("\"Acme\"").contains("lower case");

        CliRun noIdentity = cli("verify", "oci://ghcr.io/acme/x:latest");
        assertThat(noIdentity.code()).isEqualTo(64);
        assertThat(noIdentity.err()).contains("give either --policy FILE_OR_DIR or identity flags");

        Path broken = Files.writeString(dir.resolve("broken.yaml"), """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: broken}
                spec:
                  sources: ["oci://ghcr.io/acme/*"]
                  authorities: [{keyless: {issuer: x, subjectRegExp: "(unclosed"}}]
                """);
        CliRun badPolicy = cli("verify", "oci://ghcr.io/acme/x:latest", "--policy", broken.toString());
        assertThat(badPolicy.code()).isEqualTo(64);
        assertThat(badPolicy.err()).isEqualTo("fleetwarden verify: " + broken + " (document 0): policy broken is invalid:\n"
                + "  " + broken + ":6:39: spec.authorities[0].keyless.subjectRegExp: invalid RE2 regular expression: "
                + "missing closing )\n");

        CliRun badTrigger = cli("verify", "oci://ghcr.io/acme/x:latest", "--certificate-oidc-issuer",
                "https://token.actions.githubusercontent.com", "--github-repository", "acme/x",
                "--certificate-github-workflow-trigger", "push", "--certificate-github-workflow-trigger", "pushh");
        assertThat(badTrigger.code()).isEqualTo(64);
        assertThat(badTrigger.err()).isEqualTo("fleetwarden verify: --certificate-github-workflow-trigger: must be the "
                + "name of a GitHub Actions event (" + String.join(", ", io.fleetwarden.policy.GithubClaims.BUILD_TRIGGERS)
                + "), got \"pushh\", did you mean \"push\"?\n");

        CliRun badTimeout = cli("verify", "oci://ghcr.io/acme/x:latest", "--certificate-identity", "x",
                "--certificate-oidc-issuer", "y", "--timeout", "soon");
        assertThat(badTimeout.code()).isEqualTo(64);
        assertThat(badTimeout.err()).contains("--timeout: expected a duration such as 500ms, 10s or 1m, got \"soon\"");
    }

    @Test
    void anArtifactNoPolicyCoversIsDenied() throws IOException {
        CliRun r = cli("verify", "oci://ghcr.io/other/x:latest", "--policy", policy("ghcr.io/acme/*").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no policy covers oci://ghcr.io/other/x").contains("is denied");
    }
}
