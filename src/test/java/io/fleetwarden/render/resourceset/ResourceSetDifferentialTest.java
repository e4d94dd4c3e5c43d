package io.fleetwarden.render.resourceset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

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

    static final Path D2_FLEET = Path.of("..", "shared", "fixtures", "d2", "d2-fleet");

    @TempDir
    Path tmp;

    /**
     * D2's real tenants, after the post-build substitution kustomize-controller applies from the cluster's
     * runtime info ({@code ${VAR}}, {@code ${VAR:=default}}, {@code ${VAR:-default}}).
     */
    @TestFactory
    Stream<DynamicTest> d2TenantsRenderAsFluxOperatorDoes() throws IOException {
        Map<String, String> vars = runtimeInfo(D2_FLEET.resolve("clusters/staging/flux-system/runtime-info.yaml"));
        assertThat(vars).containsKeys("ARTIFACT_TAG", "ENVIRONMENT");
        List<Path> tenants;
        try (Stream<Path> s = Files.list(D2_FLEET.resolve("tenants"))) {
            tenants = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(tenants).hasSizeGreaterThanOrEqualTo(3);
        return tenants.stream().map(t -> DynamicTest.dynamicTest(t.getFileName().toString(), () -> {
            Path file = tmp.resolve(t.getFileName());
            Files.writeString(file, substitute(Files.readString(t), vars));
            assertThat(Files.readString(file)).doesNotContain("${");
            compare(file, null, null);
            Ours mine = ours(file, null, null);
            assertThat(mine.out()).as("renders objects").contains("---\n");
        }));
    }

    static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=]([^}]*))?}");

    static String substitute(String text, Map<String, String> vars) {
        Matcher m = VAR.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = vars.get(m.group(1));
            if (v == null) {
                v = m.group(2) == null ? "" : m.group(2);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> runtimeInfo(Path file) throws IOException {
        Map<String, Object> cm;
        try {
            cm = (Map<String, Object>) ResourceSetRenderer.readYaml(Files.readString(file)).get(0);
        } catch (ResourceSetRenderer.RenderException e) {
            throw new IOException(e);
        }
        Map<String, String> out = new TreeMap<>();
        ((Map<String, Object>) cm.get("data")).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
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
