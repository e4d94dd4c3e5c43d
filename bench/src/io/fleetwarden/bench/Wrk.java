package io.fleetwarden.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of the Debian {@code wrk} as a separate process with {@code bench/wrk/reviews.lua}: fixed threads
 * and kept-alive connections (a closed loop: each connection sends its next review when the last one is
 * answered). {@link Result} is parsed from the script's RESULT line.
 */
final class Wrk {

    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\d+)");

    /**
     * wrk's own figures; latencies in microseconds as wrk measured them, client side. {@code overflow}: answers
     * to the filler document a "once" run sends after its documents are used up (their latencies are in
     * wrk's figures too, so a cold run must have none).
     */
    record Result(String name, int connections, long requests, long durationMicros, long p50, long p90, long p99,
            long p999, long max, long socketErrors, long non2xx, long timeouts, long bad, long overflow, String badSample) {

        double requestsPerSecond() {
            return requests * 1e6 / durationMicros;
        }

        long errors() {
            return socketErrors + non2xx + timeouts + bad;
        }

        String row() {
            return String.format("%-30s c=%-3d %8.0f req/s  p50 %7.3f ms  p90 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms"
                    + "  max %8.3f ms  n=%d  errors=%d (socket %d, non-2xx %d, timeout %d, wrong answer %d)", name,
                    connections, requestsPerSecond(), p50 / 1e3, p90 / 1e3, p99 / 1e3, p999 / 1e3, max / 1e3,
                    requests, errors(), socketErrors, non2xx, timeouts, bad);
        }
    }

    /** A running wrk; {@link #await()} waits for it and parses its output. */
    static final class Run {
        private final String name;
        private final int connections;
        private final Process process;

        private Run(String name, int connections, Process process) {
            this.name = name;
            this.connections = connections;
            this.process = process;
        }

        Result await() throws IOException, InterruptedException {
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            String line = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("wrk " + name + " exited " + exit + " without a result:\n" + out));
            Map<String, Long> f = new HashMap<>();
            Matcher m = FIELD.matcher(line);
            while (m.find()) {
                f.put(m.group(1), Long.parseLong(m.group(2)));
            }
            String sample = out.lines().filter(l -> l.startsWith("BAD ")).findFirst().orElse("");
            return new Result(name, connections, f.get("requests"), f.get("duration_us"), f.get("p50_us"),
                    f.get("p90_us"), f.get("p99_us"), f.get("p999_us"), f.get("max_us"),
                    f.get("connect") + f.get("read") + f.get("write"), f.get("status"), f.get("timeout"), f.get("bad"),
                    f.get("overflow"), sample);
        }
    }

    private Wrk() {
    }

    /**
     * Starts wrk: {@code threads} threads sharing {@code connections} connections for {@code seconds}, sending
     * the documents of {@code documents} and expecting an allowed answer with {@code reason}.
     */
    static Run start(String name, String url, Path documents, String reason, int threads, int connections, int seconds,
            boolean once) throws IOException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--timeout", "10s", "-s", "bench/wrk/reviews.lua", url, "--", documents.toString(), reason,
                String.valueOf(threads)));
        if (once) {
            command.add("once");
        }
        return new Run(name, connections, new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    /**
     * Starts wrk at a pace ({@code bench/wrk/paced.lua}): one thread, each of {@code connections} connections
     * waiting {@code pauseMillis} after every answer, repeating the documents.
     */
    static Run startPaced(String name, String url, Path documents, String reason, int connections, int seconds,
            int pauseMillis) throws IOException {
        List<String> command = List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--timeout", "10s",
                "-s", "bench/wrk/paced.lua", url, "--", documents.toString(), reason, "1", "repeat",
                String.valueOf(pauseMillis));
        return new Run(name, connections, new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    static Result run(String name, String url, Path documents, String reason, int threads, int connections, int seconds,
            boolean once) throws IOException, InterruptedException {
        return start(name, url, documents, reason, threads, connections, seconds, once).await();
    }
}
