package io.fleetwarden.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every request the API server served, by the authenticated user that made it, from the API server's own audit log.
 * {@code apiserver_request_total} has no client label, so on a control plane shared by the system under test, the
 * controller manager and the harness it cannot tell whose requests they were; the audit log names the user of each
 * request ({@code user.username}: the client certificate's CN or the service account; an impersonated request
 * still names the impersonating controller there, with the impersonated account in {@code impersonatedUser}).
 *
 * <p>The policy records every request at level Metadata (no bodies) once, when its response is complete; a watch
 * is counted when it starts (its completion may lie after the window). The log backend is synchronous (mode
 * blocking): an event is in the file before its response is sent, so a window between two file offsets holds
 * exactly the requests answered in it.
 */
final class AuditLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path log;

    private AuditLog(Path log) {
        this.log = log;
    }

    /** The kube-apiserver flags for an audit log in {@code dir}, and the policy file they name (written here). */
    static List<String> apiServerFlags(Path dir) {
        try {
            Files.createDirectories(dir);
            Path policy = Files.writeString(dir.resolve("audit-policy.yaml"), """
                    apiVersion: audit.k8s.io/v1
                    kind: Policy
                    omitStages: [RequestReceived]
                    rules:
                      - level: Metadata
                    """);
            return List.of("--audit-policy-file=" + policy, "--audit-log-path=" + dir.resolve("audit.log"),
                    "--audit-log-format=json", "--audit-log-mode=blocking", "--audit-log-maxsize=0",
                    "--audit-log-maxbackup=0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AuditLog in(Path dir) {
        return new AuditLog(dir.resolve("audit.log"));
    }

    /** The current end of the log: a window's start or end. */
    long offset() {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Requests in [from, to) by user, then by verb (plus "total"). */
    Map<String, Map<String, Long>> byUser(long from, long to) {
        return byUser(from, to, false);
    }

    private Map<String, Map<String, Long>> byUser(long from, long to, boolean withResource) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            f.seek(from);
            byte[] bytes = new byte[Math.toIntExact(to - from)];
            f.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int start = 0;
            while (start < text.length()) {
                int end = text.indexOf('\n', start);
                if (end < 0) {
                    break; // a partial last line belongs to the next window
                }
                String line = text.substring(start, end);
                start = end + 1;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode e = JSON.readTree(line);
                String verb = e.path("verb").asText();
                String stage = e.path("stage").asText();
                boolean counted = "watch".equals(verb) ? "ResponseStarted".equals(stage)
                        : "ResponseComplete".equals(stage) || "Panic".equals(stage);
                if (!counted) {
                    continue;
                }
                if ("patch".equals(verb) && e.path("requestURI").asText().contains("dryRun=All")) {
                    verb = "patch(dry-run)";
                }
                JsonNode ref = e.path("objectRef");
                String resource = ref.path("resource").asText("");
                if (!ref.path("subresource").asText("").isEmpty()) {
                    resource += "/" + ref.path("subresource").asText();
                }
                if (resource.equals("leases")) {
                    verb = "lease:" + verb; // leader election, apart from the work on the fleet
                }
                Map<String, Long> user = out.computeIfAbsent(e.path("user").path("username").asText(),
                        k -> new TreeMap<>());
                user.merge(withResource ? verb + " " + resource : verb, 1L, Long::sum);
                user.merge("total", 1L, Long::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit log " + log, e);
        }
        return out;
    }

    /** Requests in [from, to) by user, then by verb and resource ("get ocirepositories/status"). */
    Map<String, Map<String, Long>> byUserAndResource(long from, long to) {
        return byUser(from, to, true);
    }

    /** Requests of the users whose names start with {@code prefix}, summed, by verb (plus "total"). */
    /** The total without leader election's lease requests. */
    static long work(Map<String, Long> byVerb) {
        return byVerb.entrySet().stream().filter(e -> !e.getKey().equals("total") && !e.getKey().startsWith("lease:"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    static Map<String, Long> of(Map<String, Map<String, Long>> byUser, String prefix) {
        Map<String, Long> sum = new TreeMap<>();
        byUser.forEach((user, verbs) -> {
            if (user.startsWith(prefix)) {
                verbs.forEach((verb, n) -> sum.merge(verb, n, Long::sum));
            }
        });
        return sum;
    }
}
