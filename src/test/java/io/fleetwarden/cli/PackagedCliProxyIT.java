package io.fleetwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.RecordingProxy;
import io.fleetwarden.testing.RegistryPki;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged artifact, started as a user starts it ({@code java -jar quarkus-run.jar verify ...}, a fresh JVM),
 * behind a proxy that asks for a login, given in {@code HTTPS_PROXY} as for cosign and Flux: the JDK answers a proxy's
 * Basic challenge on a CONNECT tunnel only if told so before its HTTP client is first used, which the entry point does.
 * The registry sits behind a private CA under a name only the proxy resolves.
 */
class PackagedCliProxyIT {

    private static final String NAME = "registry.corp.test";

    @TempDir
    static Path dir;

    private static SignedArtifacts artifacts;
    private static TestRegistry mirror;
    private static Path ca;
    private static Path trustedRoot;

    @BeforeAll
    static void start() throws IOException {
        artifacts = SignedArtifacts.onSharedRegistry();
        RegistryPki pki = RegistryPki.create("corp CA");
        RegistryPki.Issued serving = pki.serverNamed(NAME);
        mirror = TestRegistry.tlsMirrorOf(artifacts.registry(), RegistryPki.write(serving.certificatePem(), ".crt"),
                RegistryPki.write(serving.pkcs8KeyPem(), ".key"), null);
        ca = Files.writeString(dir.resolve("corp-ca.crt"), pki.certificatePem());
        trustedRoot = Files.write(dir.resolve("trusted_root.json"), artifacts.sigstore().trustedRootJson());
    }

    @AfterAll
    static void stop() {
        if (mirror != null) {
            mirror.close();
        }
        if (artifacts != null) {
            artifacts.close();
        }
    }

    @Test
    void verifyGoesThroughAProxyThatAsksForTheLoginInHttpsProxy() throws Exception {
        String repo = SignedArtifacts.uniqueRepo("cli-proxy", "frontend");
        Digest digest = artifacts.publish(repo, "latest");
        artifacts.signBundle(repo, digest, SigningRequest.github());
        String ref = "oci://" + NAME + ":" + mirror.port() + "/" + repo + ":latest";
        try (RecordingProxy proxy = RecordingProxy.withLogin("robot", "s3cret!").route(NAME)) {
            Result ok = verify(ref, Map.of("HTTPS_PROXY", "http://robot:s3cret%21@" + proxy.address()));
            assertThat(ok.code()).as(ok.out()).isZero();
            assertThat(ok.out()).startsWith("VERIFIED " + ref + "@" + digest);
            assertThat(proxy.seen()).anySatisfy(seen -> {
                assertThat(seen.requestLine()).isEqualTo("CONNECT " + NAME + ":" + mirror.port() + " HTTP/1.1");
                assertThat(seen.login()).isEqualTo("robot:s3cret!");
            });

            Result refused = verify(ref, Map.of("HTTPS_PROXY", "http://robot:wrong@" + proxy.address()));
            assertThat(refused.code()).as(refused.out()).isEqualTo(2);
            assertThat(refused.out()).startsWith("UNAVAILABLE " + ref).contains("407").doesNotContain("wrong");
        }
    }

    @Test
    void aProxyVariableFleetwardenCannotFollowIsAUsageError() throws Exception {
        Result r = verify("oci://" + NAME + "/x:latest", Map.of("HTTPS_PROXY", "socks5://proxy.corp.test:1080"));
        assertThat(r.code()).isEqualTo(64);
        assertThat(r.out()).contains("HTTPS_PROXY: fleetwarden reaches registries through http:// proxies only");
    }

    private record Result(int code, String out) {
    }

    private static Result verify(String ref, Map<String, String> env) throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                jar.toString(), "verify", ref, "--certificate-identity",
                "https://github.com/acme/fleet/.github/workflows/push-artifact.yaml@refs/heads/main",
                "--certificate-oidc-issuer", "https://token.actions.githubusercontent.com", "--trusted-root",
                trustedRoot.toString(), "--registry-cacert", ca.toString(), "--timeout", "15s"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
                "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            builder.environment().remove(name);
        }
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the CLI did not end within 60 s:\n" + out);
        }
        return new Result(process.exitValue(), out);
    }
}
