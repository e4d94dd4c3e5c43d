package io.fleetwarden.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code tools/flux-oracle} (built by {@code bin/build-flux-oracle}): as a running process, what source-controller
 * v1.9.4 decides for an OCIRepository's {@code semver} and for an OCI chart's {@code version}, asked one question at a
 * time (a question and its answer are one line each, so neither side's pipe fills); and {@link #proxies}.
 */
public final class FluxOracle implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static FluxOracle shared;

    private final Process process;
    private final BufferedWriter questions;
    private final BufferedReader answers;

    /** One oracle process for every test of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized FluxOracle shared() throws IOException {
        if (shared == null) {
            shared = new FluxOracle();
            FluxOracle started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException e) {
                    started.process.destroyForcibly();
                }
            }));
        }
        return shared;
    }

    private FluxOracle() throws IOException {
        process = new ProcessBuilder(binary()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        questions = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
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

    private static String binary() {
        return CachedBuild.folder("bin/build-flux-oracle", "fleetwarden.flux-oracle", 10).resolve("flux-oracle")
                .toString();
    }

    private JsonNode ask(ObjectNode question) throws IOException {
        questions.write(JSON.writeValueAsString(question));
        questions.newLine();
        questions.flush();
        String line = answers.readLine();
        if (line == null) {
            throw new IOException("the semver oracle ended without answering " + question);
        }
        return JSON.readTree(line);
    }

    @Override
    public void close() throws IOException {
        questions.close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
