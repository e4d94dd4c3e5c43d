package io.fleetwarden.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap a phase needed, from two independent sources: the service's GC log ({@code -Xlog:gc}: heap before
 * and after each collection, pause times) between two offsets, and {@code jvm_memory_used_bytes{area="heap"}}
 * from {@code /q/metrics} sampled while the load runs.
 */
final class HeapUse {

    private static final Pattern PAUSE = Pattern.compile("GC\\(\\d+\\) (Pause \\S+).*? (\\d+)M->(\\d+)M\\((\\d+)M\\) ([\\d.]+)ms");
    private static final Pattern HEAP_USED = Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\"[^}]*} ([\\d.E+]+)");

    /** What the GC log says about one window. */
    record Collections(int pauses, long maxBeforeMb, long maxAfterMb, long maxCommittedMb, double maxPauseMs,
            double totalPauseMs) {

        String row() {
            return String.format("GC: %d pauses, total %.1f ms, max %.1f ms; heap before GC max %d MiB, after GC (live)"
                    + " max %d MiB, committed max %d MiB", pauses, totalPauseMs, maxPauseMs, maxBeforeMb, maxAfterMb,
                    maxCommittedMb);
        }
    }

    private HeapUse() {
    }

    static Collections collections(Path gcLog, long from, long to) throws IOException {
        String text;
        try (RandomAccessFile f = new RandomAccessFile(gcLog.toFile(), "r")) {
            byte[] bytes = new byte[(int) (to - from)];
            f.seek(from);
            f.readFully(bytes);
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        int pauses = 0;
        long before = 0;
        long after = 0;
        long committed = 0;
        double maxPause = 0;
        double total = 0;
        Matcher m = PAUSE.matcher(text);
        while (m.find()) {
            pauses++;
            before = Math.max(before, Long.parseLong(m.group(2)));
            after = Math.max(after, Long.parseLong(m.group(3)));
            committed = Math.max(committed, Long.parseLong(m.group(4)));
            double pause = Double.parseDouble(m.group(5));
            maxPause = Math.max(maxPause, pause);
            total += pause;
        }
        return new Collections(pauses, before, after, committed, maxPause, total);
    }

    /** Sum of the heap pools' used bytes in one Prometheus scrape. */
    static long heapUsedBytes(String metrics) {
        double sum = 0;
        Matcher m = HEAP_USED.matcher(metrics);
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return (long) sum;
    }
}
