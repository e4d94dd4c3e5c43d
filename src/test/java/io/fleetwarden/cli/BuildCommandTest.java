package io.fleetwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildCommandTest {

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FleetwardenCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void buildsD2FrontendStagingWithSubstitution() {
        Path apps = Path.of("..", "shared", "fixtures", "d2", "d2-apps");
        Result r = run("build", "kustomization", apps.resolve("components/frontend/staging").toString(), "--root",
                apps.toString(), "--substitute", "CLUSTER_DOMAIN=staging.example.com");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("kind: OCIRepository").contains("kind: HelmRelease").contains("---\n")
                .contains("staging.example.com").doesNotContain("${CLUSTER_DOMAIN}");
    }

    @Test
    void withoutVariablesNothingIsSubstituted() {
        Path apps = Path.of("..", "shared", "fixtures", "d2", "d2-apps");
        Result r = run("build", "kustomization", apps.resolve("components/frontend/staging").toString(), "--root",
                apps.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("${CLUSTER_DOMAIN}");
    }

    @Test
    void aRefusedBuildExits1NamingFileAndField() throws IOException {
        Files.writeString(tmp.resolve("kustomization.yaml"), "resources:\n- https://github.com/acme/x//base\n");
        Result r = run("build", "kustomization", tmp.toString(), "--root", tmp.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("fleetwarden build kustomization: kustomization.yaml: resources[0]: remote "
                + "location 'https://github.com/acme/x//base' refused");
    }

    @Test
    void targetNamespaceIsTheKustomizationsNamespaceOfTheBuild() throws IOException {
        Files.writeString(tmp.resolve("settings.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\n");
        Result r = run("build", "kustomization", tmp.toString(), "--root", tmp.toString(), "--target-namespace", "apps");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: s\n  namespace: apps\n");
        Result empty = run("build", "kustomization", tmp.toString(), "--target-namespace", "");
        assertThat(empty.code()).isEqualTo(64);
        assertThat(empty.err()).isEqualTo("fleetwarden build kustomization: --target-namespace must not be empty\n");
    }

    @Test
    void usageErrorsExit64() throws IOException {
        Files.writeString(tmp.resolve("kustomization.yaml"), "resources: []\n");
        assertThat(run("build", "kustomization", tmp.toString(), "--substitute", "novalue").code()).isEqualTo(64);
        assertThat(run("build", "kustomization", tmp.resolve("missing").toString()).code()).isEqualTo(64);
        assertThat(run("build", "kustomization").code()).isEqualTo(64);
        assertThat(run("build").code()).isEqualTo(64);
    }
}
