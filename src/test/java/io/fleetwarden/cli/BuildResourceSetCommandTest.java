package io.fleetwarden.cli;

import io.fleetwarden.testing.CliRun;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildResourceSetCommandTest {

    @TempDir
    Path dir;


    static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    @Test
    void rendersAndPrintsObjectsAsFluxOperatorDoes() throws IOException {
        Path f = Files.writeString(dir.resolve("rs.yaml"), """
                apiVersion: fluxcd.controlplane.io/v1
                kind: ResourceSet
                metadata: {name: rs}
                spec:
                  inputs: [{app: a}]
                  resources:
                    - {apiVersion: v1, kind: ConfigMap, metadata: {name: << inputs.app >>}}
                """);
        CliRun r = cli("build", "rset", "-f", f.toString(), "-n", "apps");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  labels:
                    resourceset.fluxcd.controlplane.io/name: rs
                    resourceset.fluxcd.controlplane.io/namespace: apps
                  name: a
                """);
    }

    @Test
    void usageErrorsAndRenderFailuresHaveTheirExitCodes() throws IOException {
        assertThat(cli("build").code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(cli("build", "resourceset", "-f", dir.resolve("missing.yaml").toString()).code())
                .isEqualTo(ExitCode.USAGE.code());
        Path withProviders = Files.writeString(dir.resolve("p.yaml"), """
                apiVersion: fluxcd.controlplane.io/v1
                kind: ResourceSet
                metadata: {name: rs, namespace: apps}
                spec:
                  inputsFrom: [{name: x}]
                  resourcesTemplate: "x"
                """);
        CliRun r = cli("build", "resourceset", "-f", withProviders.toString());
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).contains("--inputs-from or --inputs-from-provider");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                apiVersion: fluxcd.controlplane.io/v1
                kind: ResourceSet
                metadata: {name: rs, namespace: apps}
                spec:
                  resourcesTemplate: "<< inputs.nope >>"
                """);
        CliRun b = cli("build", "resourceset", "-f", bad.toString());
        assertThat(b.code()).isEqualTo(ExitCode.REJECTED.code());
        assertThat(b.err()).contains("resourceset:1:3").contains("map has no entry for key \"nope\"");
        assertThat(b.out()).isEmpty();
    }
}
