package io.fleetwarden.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code tools/flux-oracle} (built by {@code bin/build-flux-oracle}): as a running process, what source-controller
 * v1.9.4 decides for an OCIRepository's {@code semver} and for an OCI chart's {@code version}, asked one question at a
 * time (a question and its answer are one line each, so neither side's pipe fills); {@link #proxies}; the files
 * source-controller keeps of an extracted layer ({@link #sourceIgnoreKept}) and Go's {@code filepath.Match}
 * ({@link #goMatch}).
 */
public final class FluxOracle implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static FluxOracle shared;

    private final OracleProcess process;

    /** One oracle process for every test of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized FluxOracle shared() throws IOException {
        if (shared == null) {
            shared = new FluxOracle();
        }
        return shared;
    }

    private FluxOracle() throws IOException {
        process = OracleProcess.untilExit("the semver oracle", List.of(binary()));
    }

    /**
     * An OCIRepository's {@code spec.ref.semver}, {@code semverFilter} and {@code layerSelector.mediaType} over
     * {@code tags}, in registry order.
     */
    public synchronized JsonNode ociRepository(String constraint, String filter, String mediaType, List<String> tags)
            throws IOException {
        ObjectNode question = JSON.createObjectNode().put("constraint", constraint).put("filter", filter)
                .put("mediaType", mediaType);
        tags.forEach(question.putArray("tags")::add);
        return ask(question);
    }

    /** A chart's {@code spec.version} over the repository's {@code tags}, in registry order. */
    public synchronized JsonNode chart(String version, List<String> tags) throws IOException {
        ObjectNode question = JSON.createObjectNode().put("mode", "chart").put("constraint", version);
        tags.forEach(question.putArray("tags")::add);
        return ask(question);
    }

    /**
     * The proxy Go's {@code net/http} picks for each of {@code urls} in an environment holding exactly {@code env}'s
     * proxy variables: one answer per URL ({@code proxy}, empty for direct, or {@code error}). A process of its own,
     * since Go reads the environment once.
     */
    public static List<JsonNode> proxies(java.util.Map<String, String> env, List<String> urls) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(binary(), "proxy").redirectError(ProcessBuilder.Redirect.INHERIT);
        for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
                "REQUEST_METHOD")) {
            builder.environment().remove(name);
        }
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().write((String.join("\n", urls) + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        List<JsonNode> answers = new java.util.ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                answers.add(JSON.readTree(line));
            }
        }
        if (answers.size() != urls.size()) {
            throw new IOException("the oracle answered " + answers.size() + " of " + urls.size() + " URLs");
        }
        return answers;
    }

    /**
     * A running {@code flux-oracle sourceignore} or {@code flux-oracle match}: one process per mode for every test of
     * this JVM, asked one line at a time, stopped when the JVM exits.
     */
    private static final class Mode {

        private static final java.util.Map<String, OracleProcess> RUNNING = new java.util.HashMap<>();

        private Mode() {
        }

        static JsonNode ask(String mode, ObjectNode question) throws IOException {
            OracleProcess running;
            synchronized (RUNNING) {
                running = RUNNING.get(mode);
                if (running == null) {
                    running = OracleProcess.untilExit("flux-oracle " + mode, List.of(binary(), mode));
                    RUNNING.put(mode, running);
                }
            }
            return running.ask(question);
        }
    }

    /**
     * The files source-controller v1.9.4 keeps of an extracted OCIRepository layer holding {@code files} (path to
     * content), with {@code spec.ignore} {@code ignore} (null when absent): written to disk and archived by
     * fluxcd/pkg's own functions.
     *
     * @return the kept paths
     * @throws IOException when the oracle fails, or reports an error (a question it cannot represent on disk)
     */
    public static java.util.Set<String> sourceIgnoreKept(java.util.Map<String, String> files, String ignore)
            throws IOException {
        ObjectNode question = JSON.createObjectNode();
        ObjectNode f = question.putObject("files");
        files.forEach(f::put);
        question.put("ignore", ignore);
        JsonNode answer = Mode.ask("sourceignore", question);
        if (answer.hasNonNull("error")) {
            throw new IOException("flux-oracle sourceignore: " + answer.get("error").asText() + " for " + question);
        }
        java.util.Set<String> kept = new java.util.TreeSet<>();
        answer.path("kept").forEach(p -> kept.add(p.asText()));
        return kept;
    }

    /** Go's {@code path/filepath.Match(pattern, name)} for each of {@code names}: "match", "no" or "bad". */
    public static List<String> goMatch(String pattern, List<String> names) throws IOException {
        ObjectNode question = JSON.createObjectNode().put("pattern", pattern);
        names.forEach(question.putArray("names")::add);
        JsonNode answer = Mode.ask("match", question);
        List<String> results = new java.util.ArrayList<>();
        answer.path("results").forEach(r -> results.add(r.asText()));
        if (results.size() != names.size()) {
            throw new IOException("flux-oracle match answered " + results.size() + " of " + names.size() + " names");
        }
        return results;
    }

    private static String binary() {
        return CachedBuild.folder("bin/build-flux-oracle", "fleetwarden.flux-oracle", 10).resolve("flux-oracle")
                .toString();
    }

    private JsonNode ask(ObjectNode question) throws IOException {
        return process.ask(question);
    }

    @Override
    public void close() throws IOException {
        process.close();
    }
}
