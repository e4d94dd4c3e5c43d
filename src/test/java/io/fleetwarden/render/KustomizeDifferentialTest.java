package io.fleetwarden.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.cli.DirectoryTree;
import io.fleetwarden.testing.D2Fixtures;
import io.fleetwarden.testing.Peers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Our builder against the real kustomize v5.8.1 (built by bin/build-peers), on every kustomization of the D2
 * repositories, on the D2 fleet directories that have none (kustomize gets the kustomization we generate,
 * written next to the files), and on our corpus under {@code src/test/resources/kustomize-corpus/<case>/},
 * one feature or combination per case; a case holding an {@code expect-error} file must be refused by both.
 *
 * <p>kustomize runs as kustomize-controller builds: {@code --load-restrictor LoadRestrictionsNone} (files
 * anywhere inside the source) and {@code --reorder none} (declaration order; the CLI's default "legacy" order
 * is not what Flux applies). Both outputs are parsed into JSON trees and compared as ordered lists, since
 * kustomize guarantees declaration order. Where they differ, we are wrong.
 */
class KustomizeDifferentialTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path D2 = Path.of("..", "shared", "fixtures", "d2");
    private static final Path CORPUS = Path.of("src", "test", "resources", "kustomize-corpus");

    @TestFactory
    Stream<DynamicTest> d2Kustomizations() throws IOException {
        assertThat(D2).as("D2 fixtures").isDirectory();
        List<DynamicTest> tests = new ArrayList<>();
        for (String repo : List.of("d2-apps", "d2-fleet", "d2-infra")) {
            Path root = D2.resolve(repo);
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path k : walk.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).sorted()
                        .toList()) {
                    Path dir = k.getParent();
                    String rel = root.relativize(dir).toString();
                    tests.add(DynamicTest.dynamicTest(repo + "/" + rel, () -> compare(root, rel)));
                }
            }
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(21);
        return tests.stream();
    }

    /** D2's cluster directories have no kustomization.yaml: kustomize-controller generates one. */
    @TestFactory
    Stream<DynamicTest> d2GeneratedKustomizations() {
        return Stream.of("clusters/staging", "clusters/prod-eu", "clusters/prod-us", "clusters/update", "tenants")
                .map(rel -> DynamicTest.dynamicTest("d2-fleet/" + rel, () -> compareGenerated(D2.resolve("d2-fleet"),
                        rel)));
    }

    @TestFactory
    Stream<DynamicTest> corpus() throws IOException {
        try (Stream<Path> cases = Files.list(CORPUS)) {
            List<Path> all = cases.filter(Files::isDirectory).sorted().toList();
            assertThat(all).hasSizeGreaterThan(20);
            return all.stream().map(c -> DynamicTest.dynamicTest(c.getFileName().toString(), () -> {
                String dir = Files.isDirectory(c.resolve("overlay")) ? "overlay" : "";
                if (!Files.exists(c.resolve("expect-error"))) {
                    // A corpus case is meant to build: a case both refuse would prove nothing.
                    assertThat(kustomize(c.resolve(dir)).error()).as("kustomize on " + c).isNull();
                }
                compare(c, dir);
            })).toList().stream();
        }
    }

    private static void compare(Path root, String dir) throws Exception {
        Path caseDir = root.resolve(dir);
        boolean expectError = Files.exists(root.resolve("expect-error"));
        Outcome theirs = kustomize(caseDir);
        Outcome ours = ours(root, dir);
        if (expectError) {
            assertThat(theirs.error()).as("kustomize refuses " + caseDir).isNotNull();
            assertThat(ours.error()).as("we refuse " + caseDir + " (kustomize: " + theirs.error() + ")").isNotNull();
            return;
        }
        if (theirs.error() != null) {
            assertThat(ours.error()).as("kustomize refused " + caseDir + ": " + theirs.error() + "; so must we")
                    .isNotNull();
            return;
        }
        if (ours.error() != null) {
            fail("we refused " + caseDir + " that kustomize builds: " + ours.error() + "\nkustomize:\n"
                    + theirs.yaml());
        }
        assertThat(ours.objects()).as("objects of " + caseDir + "\nours:\n" + ours.yaml() + "\nkustomize:\n"
                + theirs.yaml()).isEqualTo(theirs.objects());
    }

    private static void compareGenerated(Path root, String dir) throws Exception {
        ObjectNode generated = GeneratedKustomization.of(new DirectoryTree(root), dir);
        Path copy = Files.createTempDirectory("fleetwarden-generated");
        try {
            copyTree(root, copy);
            Files.writeString(copy.resolve(dir).resolve("kustomization.yaml"), Yaml.write(generated));
            Outcome theirs = kustomize(copy.resolve(dir));
            Outcome ours = ours(root, dir);
            assertThat(theirs.error()).as("kustomize on the generated kustomization").isNull();
            assertThat(ours.error()).as("ours").isNull();
            assertThat(ours.objects()).as("generated " + dir + "\nours:\n" + ours.yaml() + "\nkustomize:\n"
                    + theirs.yaml()).isEqualTo(theirs.objects());
        } finally {
            try (Stream<Path> w = Files.walk(copy)) {
                w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    record Outcome(List<JsonNode> objects, String yaml, String error) {
    }

    private static Outcome ours(Path root, String dir) {
        try {
            List<ObjectNode> built = KustomizeBuilder.build(new DirectoryTree(root), dir);
            String yaml = Yaml.stream(built);
            return new Outcome(parse(yaml), yaml, null);
        } catch (RenderException e) {
            return new Outcome(null, null, e.getMessage());
        }
    }

    private static Outcome kustomize(Path dir) throws Exception {
        Path out = Files.createTempFile("kustomize", ".out");
        Path err = Files.createTempFile("kustomize", ".err");
        try {
            Process p = new ProcessBuilder(Peers.kustomize().toString(), "build", "--load-restrictor",
                    "LoadRestrictionsNone", "--reorder", "none", dir.toAbsolutePath().toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("kustomize build " + dir + " did not finish in 60 s");
            }
            String yaml = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                return new Outcome(null, null, Files.readString(err, StandardCharsets.UTF_8).strip());
            }
            return new Outcome(parse(yaml), yaml, null);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * YAML normalisation: every document as a JSON tree (map order does not matter, list order does). Also used by
     * {@link FluxLayerDifferentialTest}.
     */
    static List<JsonNode> parse(String yaml) {
        List<JsonNode> out = new ArrayList<>();
        try (var it = D2Fixtures.YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (it.hasNextValue()) {
                JsonNode n = it.nextValue();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    out.add(JSON.readTree(JSON.writeValueAsString(n)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> w = Files.walk(from)) {
            for (Path p : w.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
