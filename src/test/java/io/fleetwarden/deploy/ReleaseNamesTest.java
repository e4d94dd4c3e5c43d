package io.fleetwarden.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.testing.deploy.Manifests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;

/**
 * One name for each thing the release publishes: the image deploy/ runs is the one .github/workflows/release.yaml
 * pushes (native: {@code IMAGE:vX.Y.Z}; JVM: {@code IMAGE:vX.Y.Z-jvm}), the Dockerfiles' comments and the docs say
 * the same, and policies/fleetwarden covers exactly what the workflow pushes, signed by that workflow.
 */
class ReleaseNamesTest {

    static final Path WORKFLOW = Path.of(".github", "workflows", "release.yaml");
    static final Path DEPLOYMENT = Path.of("deploy", "base", "deployment.yaml");
    static final Pattern TAGGED = Pattern.compile("ghcr\\.io/fleetwarden/fleetwarden:([^\\s`\"'@]+)");

    static JsonNode workflow() throws IOException {
        return Manifests.yaml().readTree(WORKFLOW.toFile());
    }

    /** pom.xml's MAJOR.MINOR.PATCH (0.1.0 for 0.1.0-SNAPSHOT, and for 0.1.0-rc.1 as the release workflow sets it). */
    static String pomRelease() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        String version = XPathFactory.newInstance().newXPath().evaluate("/project/version", pom).strip();
        return version.replaceFirst("-.*$", "");
    }

    static String deployImage() {
        List<String> images = new ArrayList<>();
        for (JsonNode o : Manifests.read(DEPLOYMENT)) {
            for (JsonNode c : o.path("spec").path("template").path("spec").path("containers")) {
                images.add(c.path("image").asText());
            }
        }
        assertThat(images).hasSize(1);
        return images.get(0);
    }

    @Test
    void deployRunsTheNativeImageTheReleaseWorkflowPushes() throws Exception {
        String image = workflow().path("env").path("IMAGE").asText();
        assertThat(image).isEqualTo("ghcr.io/fleetwarden/fleetwarden");
        String deployed = deployImage();
        // deploy/ in git names the next release by tag; the published artifact pins it by digest as well.
        assertThat(deployed).isEqualTo(image + ":v" + pomRelease());

        // The workflow's rewrite (sed, in the manifests job) matches exactly that one line of deployment.yaml.
        String run = workflow().path("jobs").path("manifests").path("steps").findValues("run").stream()
                .map(JsonNode::asText).filter(s -> s.contains("sed -i")).findFirst().orElseThrow();
        assertThat(run).contains("file=" + DEPLOYMENT.toString().replace('\\', '/'))
                .contains("s|^([[:space:]]+image: )${IMAGE}:[^[:space:]]+$|\\1${IMAGE}:${TAG}@${DIGEST}|");
        Pattern sed = Pattern.compile("^(\\s+image: )" + Pattern.quote(image) + ":\\S+$");
        assertThat(Files.readAllLines(DEPLOYMENT)).filteredOn(l -> sed.matcher(l).matches()).hasSize(1);

        // Both images, native under the bare tag, from the Dockerfiles of their comments.
        String steps = workflow().path("jobs").path("images").path("steps").findValues("run").stream()
                .map(JsonNode::asText).reduce("", String::concat);
        assertThat(steps).contains("bin/release-image src/main/docker/Dockerfile.native \"$IMAGE:$TAG\"")
                .contains("bin/release-image src/main/docker/Dockerfile.jvm \"$IMAGE:$TAG-jvm\"");
    }

    @Test
    void theDockerfilesTagWhatTheWorkflowPushes() throws Exception {
        String tag = "v" + pomRelease();
        assertThat(Files.readString(Path.of("src/main/docker/Dockerfile.native")))
                .contains("docker build -f src/main/docker/Dockerfile.native -t ghcr.io/fleetwarden/fleetwarden:" + tag + " .");
        assertThat(Files.readString(Path.of("src/main/docker/Dockerfile.jvm")))
                .contains("docker build -f src/main/docker/Dockerfile.jvm -t ghcr.io/fleetwarden/fleetwarden:" + tag + "-jvm .");
    }

    /** No document names the image with another tag scheme (0.1.0, 0.1.0-jvm, latest...). */
    @Test
    void everyDocumentNamesTheImagesAlike() throws Exception {
        Pattern scheme = Pattern.compile("(v\\d+\\.\\d+\\.\\d+|vX\\.Y\\.Z|<tag>)(-jvm)?");
        List<Path> files = new ArrayList<>(List.of(Path.of("README.md"), Path.of("deploy", "README.md"), DEPLOYMENT,
                Path.of("src/main/docker/Dockerfile.native"), Path.of("src/main/docker/Dockerfile.jvm"), WORKFLOW));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            files.addAll(docs.filter(p -> p.toString().endsWith(".md")).sorted().toList());
        }
        int seen = 0;
        for (Path f : files) {
            Matcher m = TAGGED.matcher(Files.readString(f, StandardCharsets.UTF_8));
            while (m.find()) {
                assertThat(m.group(1)).as(f + ": " + m.group()).matches(scheme);
                seen++;
            }
        }
        assertThat(seen).isGreaterThanOrEqualTo(5);
    }

    @Test
    void thePolicyCoversWhatTheWorkflowPushesAndNamesThatWorkflow() throws IOException {
        JsonNode env = workflow().path("env");
        JsonNode policy = Manifests.yaml().readTree(Path.of("policies", "fleetwarden", "fleetwarden.yaml").toFile());
        List<String> sources = new ArrayList<>();
        policy.path("spec").path("sources").forEach(s -> sources.add(s.asText()));
        String manifests = env.path("MANIFESTS").asText();
        assertThat(sources).containsExactlyInAnyOrder("oci://" + env.path("IMAGE").asText(),
                "oci://" + manifests + "/deploy", "oci://" + manifests + "/policies");
        JsonNode github = policy.path("spec").path("authorities").path(0).path("keyless").path("github");
        assertThat(github.path("workflow").asText()).isEqualTo(WORKFLOW.toString().replace('\\', '/'));
        String owner = env.path("IMAGE").asText().split("/")[1];
        assertThat(github.path("repository").asText()).isEqualTo(owner + "/fleetwarden");
        // The workflow runs only for the tags the policy accepts signatures from.
        JsonNode on = workflow().has("on") ? workflow().path("on") : workflow().path("true");
        List<String> tags = new ArrayList<>();
        on.path("push").path("tags").forEach(t -> tags.add(t.asText()));
        assertThat(tags).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("v[0-9]+."));
        assertThat(on.path("push").has("branches")).isFalse();
        assertThat(github.path("refs").toString()).isEqualTo("[\"refs/tags/v*\"]");
    }
}
