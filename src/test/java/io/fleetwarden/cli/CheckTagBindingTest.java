package io.fleetwarden.cli;

import io.fleetwarden.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's case: a fleet released from {@code refs/tags/v*} with the default tag binding passed
 * {@code check --offline} for {@code latest-stable}, then every signature was denied in the cluster. Offline check
 * now says so, and says what to change.
 */
class CheckTagBindingTest {

    @TempDir
    Path dir;

    @Test
    void anOfflineCheckWarnsOfATagThePolicysOwnRefsCanNeverCarry() throws IOException {
        Path policy = Files.writeString(dir.resolve("fleet.yaml"), """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata: {name: acme-fleet}
                spec:
                  sources: ["oci://ghcr.io/acme/fleet"]
                  authorities:
                    - name: release
                      keyless:
                        issuer: https://token.actions.githubusercontent.com
                        github:
                          repository: acme/fleet
                          workflow: .github/workflows/release.yaml
                          refs: ["refs/tags/v*"]
                """);
        Path source = Files.writeString(dir.resolve("source.yaml"), """
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: OCIRepository
                metadata: {name: flux-system, namespace: flux-system}
                spec:
                  interval: 10m
                  url: oci://ghcr.io/acme/fleet
                  ref: {tag: %s}
                  verify:
                    provider: cosign
                    matchOIDCIdentity:
                      - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                        subject: ^https://github\\.com/acme/fleet/\\.github/workflows/release\\.yaml@refs/tags/v[0-9.]+$
                """);
        Files.writeString(source, Files.readString(source).formatted("latest-stable"));
        CliRun r = CheckCommandTest.cli("check", "--policy", policy.toString(), "--offline", "-f",
                source.toString());
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("WARNED OCIRepository flux-system/flux-system").contains("  warning: policy "
                + "acme-fleet can never admit tag \"latest-stable\": authority \"release\" accepts refs [refs/tags/v*], "
                + "the tag binding only [refs/tags/fleet/*]. Set tagRefBinding.floatingTags for it (floatingTags "
                + "replaces the default bindings)");

        // A release tag the refs can carry gets no such warning.
        Files.writeString(source, Files.readString(source).replace("latest-stable", "v1.2.3"));
        CliRun release = CheckCommandTest.cli("check", "--policy", policy.toString(), "--offline", "-f",
                source.toString());
        assertThat(release.out()).doesNotContain("can never admit");
    }
}
