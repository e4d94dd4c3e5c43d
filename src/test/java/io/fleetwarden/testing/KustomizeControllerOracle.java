package io.fleetwarden.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;

/**
 * {@code tools/kustomize-controller-oracle} (built by {@code bin/build-kustomize-controller-oracle}): as a running
 * process, the objects kustomize-controller v1.9.4 builds for a Flux Kustomization over a set of files (its generator,
 * kustomize build, postBuild substitution and commonMetadata), asked one question at a time (a question and its
 * answer are one line each, so neither side's pipe fills). One process serves many questions: start one per test
 * class and close it after.
 */
public final class KustomizeControllerOracle implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OracleProcess process;

    /** The oracle's answer: the objects, or the error kustomize-controller reports (then no objects). */
    public record Answer(java.util.List<JsonNode> objects, String error) {
    }

    public KustomizeControllerOracle() throws IOException {
        process = new OracleProcess("the kustomize-controller oracle", java.util.List.of(binary()));
    }

    /**
     * The objects of {@code kustomization} (the whole Flux object, with its spec) over {@code files} (relative path
     * to content, the artifact's root); {@code vars}, which may be empty, are variables added to
     * {@code spec.postBuild.substitute} where it does not set them.
     */
    public synchronized Answer build(Map<String, String> files, JsonNode kustomization, Map<String, String> vars)
            throws IOException {
        ObjectNode question = JSON.createObjectNode();
        files.forEach(question.putObject("files")::put);
        question.set("kustomization", kustomization);
        if (!vars.isEmpty()) {
            vars.forEach(question.putObject("vars")::put);
        }
        JsonNode answer = process.ask(question);
        String error = answer.path("error").asText("");
        java.util.List<JsonNode> objects = new java.util.ArrayList<>();
        answer.path("objects").forEach(objects::add);
        return new Answer(error.isEmpty() ? objects : null, error.isEmpty() ? null : error);
    }

    private static String binary() {
        return CachedBuild.folder("bin/build-kustomize-controller-oracle", "fleetwarden.kustomize-controller-oracle",
                10).resolve("kustomize-controller-oracle").toString();
    }

    @Override
    public void close() throws IOException {
        process.close();
    }
}
