package io.fleetwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.testing.CachedBuild;
import io.fleetwarden.testing.deploy.Manifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub Actions workflows (.github/workflows) pass actionlint (v1.7.12, built from its pinned Go module by
 * bin/build-actionlint, with ShellCheck on every {@code run:} script), pin every action by commit, and keep the
 * rights to publish and to sign away from the jobs that run the build.
 */
class WorkflowLintTest {

    static final Path WORKFLOWS = Path.of(".github", "workflows");
    /** {@code uses: owner/repo[/path]@<40 hex> # vX.Y.Z}: the commit, and the version it is, for the reader. */
    static final Pattern PINNED = Pattern.compile("^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$");
    static final Pattern USES_LINE = Pattern.compile("^\\s*(?:-\\s+)?uses:\\s*(\\S+)(.*)$");
    static final Pattern VERSION_COMMENT = Pattern.compile("^\\s+#\\s+v\\d+(\\.\\d+)*\\S*\\s*$");

    @TempDir
    Path dir;

    record Run(int code, String output) {
    }

    static Path actionlint() {
        Path binary = CachedBuild.folder("bin/build-actionlint", "fleetwarden.actionlint", 20).resolve("actionlint");
        assertThat(binary).as("run bin/build-actionlint").isExecutable();
        return binary;
    }

    /** ShellCheck, which bin/install-prerequisites installs: without it actionlint silently skips the scripts. */
    static Path shellcheck() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, "shellcheck");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shellcheck is not on the PATH: run bin/install-prerequisites");
    }

    static List<Path> workflows() throws IOException {
        try (Stream<Path> files = Files.list(WORKFLOWS)) {
            return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    static Run lint(List<Path> files) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(actionlint().toString(), "-no-color", "-shellcheck",
                shellcheck().toString(), "-pyflakes", ""));
        files.forEach(f -> cmd.add(f.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("actionlint timed out");
        }
        return new Run(p.exitValue(), output);
    }

    @Test
    void actionlintFindsNothingInTheWorkflows() throws Exception {
        List<Path> files = workflows();
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("release.yaml", "ci.yaml");
        Run r = lint(files);
        assertThat(r.output()).as("actionlint output").isEmpty();
        assertThat(r.code()).isZero();
    }

    /** The control: the same call does report what it must, so an empty report above means something. */
    @Test
    void actionlintReportsABrokenWorkflowWithShellCheckOn() throws Exception {
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, """
                name: broken
                on: push
                permissions:
                  contents: read
                jobs:
                  build:
                    runs-on: ubuntu-24.04
                    steps:
                      - id: one
                        run: echo "x=1" >> "$GITHUB_OUTPUT"
                      - run: echo ${{ steps.two.outputs.x }}
                      - run: cp $1 /tmp
                """);
        Run r = lint(List.of(broken));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.output()).contains("[expression]").contains("[shellcheck]").contains("SC2086");
    }

    @Test
    void everyActionIsPinnedByCommitWithItsVersionInAComment() throws IOException {
        int checked = 0;
        for (Path file : workflows()) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = USES_LINE.matcher(lines.get(i));
                if (!m.matches()) {
                    continue;
                }
                String where = file + ":" + (i + 1) + ": " + lines.get(i).strip();
                String uses = m.group(1);
                if (uses.startsWith("./")) {
                    continue;
                }
                assertThat(uses).as(where).doesNotStartWith("docker://").matches(PINNED);
                assertThat(m.group(2)).as(where + " (the version the commit is, as a comment)").matches(VERSION_COMMENT);
                checked++;
            }
            // The same count as the parsed workflow's steps and jobs with uses: no uses escaped the line check.
            assertThat(lines.stream().filter(l -> USES_LINE.matcher(l).matches()).count()).as(file.toString())
                    .isEqualTo(uses(Manifests.yaml().readTree(file.toFile())).size());
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
    }

    static List<String> uses(JsonNode workflow) {
        List<String> out = new ArrayList<>();
        for (JsonNode job : iterable(workflow.path("jobs"))) {
            if (job.has("uses")) {
                out.add(job.get("uses").asText());
            }
            for (JsonNode step : job.path("steps")) {
                if (step.has("uses")) {
                    out.add(step.get("uses").asText());
                }
            }
        }
        return out;
    }

    static Iterable<JsonNode> iterable(JsonNode object) {
        List<JsonNode> values = new ArrayList<>();
        object.fields().forEachRemaining(e -> values.add(e.getValue()));
        return values;
    }

    /**
     * Least privilege: every workflow reads by default; only jobs that run no build tool may write packages or
     * mint an OIDC token (which signs as the release workflow: a build plugin holding it could sign anything).
     */
    @Test
    void onlyJobsThatRunNoBuildMayPublishOrSign() throws IOException {
        for (Path file : workflows()) {
            JsonNode workflow = Manifests.yaml().readTree(file.toFile());
            assertThat(workflow.path("permissions").isObject()).as(file + ": top-level permissions").isTrue();
            assertThat(Map.copyOf(Manifests.yaml().convertValue(workflow.path("permissions"), Map.class)))
                    .as(file + ": top-level permissions").isEqualTo(Map.of("contents", "read"));
            workflow.path("jobs").fields().forEachRemaining(e -> {
                JsonNode permissions = e.getValue().path("permissions");
                boolean privileged = "write".equals(permissions.path("id-token").asText())
                        || "write".equals(permissions.path("packages").asText());
                if (!privileged) {
                    return;
                }
                for (JsonNode step : e.getValue().path("steps")) {
                    String run = step.path("run").asText("");
                    assertThat(run).as(file + ": job " + e.getKey() + " may sign or publish, so it runs no build")
                            .doesNotContain("mvn ").doesNotContain("bin/test").doesNotContain("bin/release-version")
                            .doesNotContain(".ci/run").doesNotContain("go build");
                }
            });
        }
        JsonNode release = Manifests.yaml().readTree(WORKFLOWS.resolve("release.yaml").toFile());
        assertThat(release.path("jobs").path("images").path("permissions").path("id-token").asText()).isEqualTo("write");
        assertThat(release.path("jobs").path("manifests").path("permissions").path("id-token").asText()).isEqualTo("write");
        assertThat(release.path("jobs").path("test").has("permissions")).isFalse();
        assertThat(release.path("jobs").path("native").has("permissions")).isFalse();
    }
}
