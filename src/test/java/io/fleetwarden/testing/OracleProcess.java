package io.fleetwarden.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running test oracle (one of our small Go programs under {@code tools/}) asked one question at a time: a question
 * and its answer are one JSON line each, so neither side's pipe fills. Its standard error goes to the test's.
 */
public final class OracleProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Process process;
    private final BufferedWriter questions;
    private final BufferedReader answers;

    public OracleProcess(String name, List<String> command) throws IOException {
        this.name = name;
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        questions = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Started now and stopped when the JVM exits: for an oracle shared by every test of the JVM. */
    public static OracleProcess untilExit(String name, List<String> command) throws IOException {
        OracleProcess started = new OracleProcess(name, command);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                started.close();
            } catch (IOException e) {
                started.process.destroyForcibly();
            }
        }));
        return started;
    }

    /** The answer to one question. */
    public synchronized JsonNode ask(JsonNode question) throws IOException {
        questions.write(JSON.writeValueAsString(question));
        questions.newLine();
        questions.flush();
        String line = answers.readLine();
        if (line == null) {
            throw new IOException(name + " ended without answering " + question);
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
