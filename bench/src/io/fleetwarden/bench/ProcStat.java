package io.fleetwarden.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory and CPU of one process as the kernel counts them ({@code /proc/<pid>/status} and {@code /proc/<pid>/stat}),
 * the same way for a Go controller and for the JVM: peak resident set ({@code VmHWM}, the high-water mark since the
 * process started), current resident set ({@code VmRSS}) and CPU time (user + system).
 */
record ProcStat(long pid, long peakRssKib, long rssKib, long cpuMillis) {

    /** Clock ticks per second of {@code /proc/<pid>/stat}'s utime and stime: USER_HZ, 100 on Linux. */
    private static final long TICKS_PER_SECOND = 100;

    static ProcStat of(long pid) {
        try {
            long hwm = 0;
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    hwm = kib(line);
                } else if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                }
            }
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            // f[0] is field 3 (state): utime is field 14, stime field 15.
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return new ProcStat(pid, hwm, rss, ticks * 1000 / TICKS_PER_SECOND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + " (has the process exited?)", e);
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    double peakMib() {
        return peakRssKib / 1024.0;
    }
}
