package io.fleetwarden.render.resourceset;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Our renderer against the real Flux Operator CLI (bin/build-flux-operator-cli): every case of
 * src/test/resources/resourceset-corpus (resourceset.yaml, optional providers.yaml and inputs.yaml) must print
 * byte for byte what {@code flux-operator build resourceset} prints, through {@code fleetwarden build
 * resourceset}; a case Flux Operator refuses must be refused too.
 */
class ResourceSetDifferentialTest {

    static final Path CORPUS = Path.of("src/test/resources/resourceset-corpus");

    record Ours(int code, String out, String err) {
    }

    static Ours ours(Path file, Path inputs, Path providers) {
        List<String> args = new ArrayList<>(List.of("build", "resourceset", "-f", file.toString()));
        if (inputs != null) {
            args.addAll(List.of("--inputs-from", inputs.toString()));
        }
        if (providers != null) {
            args.addAll(List.of("--inputs-from-provider", providers.toString()));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = io.fleetwarden.cli.FleetwardenCli.run(args.toArray(String[]::new), new PrintWriter(out),
                new PrintWriter(err));
        return new Ours(code, out.toString(), err.toString());
    }

    static void compare(Path file, Path inputs, Path providers) throws IOException, InterruptedException {
        FluxOperatorOracle.Result theirs = FluxOperatorOracle.buildResourceSet(file, inputs, providers);
        Ours mine = ours(file, inputs, providers);
        if (theirs.code() != 0) {
            assertThat(mine.code()).as("Flux Operator refuses %s (%s); so must we, but we printed:%n%s", file,
                    theirs.err().strip(), mine.out()).isNotZero();
            return;
        }
        assertThat(mine.err()).as("our error for %s", file).isEmpty();
        assertThat(mine.out()).as("our output for %s", file).isEqualTo(theirs.out());
        assertThat(mine.code()).isZero();
    }

    @TestFactory
    Stream<DynamicTest> corpusRendersAsFluxOperatorDoes() throws IOException {
        List<Path> cases;
        try (Stream<Path> s = Files.list(CORPUS)) {
            cases = s.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(cases).isNotEmpty();
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
            Path inputs = dir.resolve("inputs.yaml");
            Path providers = dir.resolve("providers.yaml");
            compare(dir.resolve("resourceset.yaml"), Files.exists(inputs) ? inputs : null,
                    Files.exists(providers) ? providers : null);
        }));
    }
}
