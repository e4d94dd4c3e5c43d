package io.fleetwarden.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time the hypervisor gave to other guests while this machine's vCPUs wanted to run (the {@code steal} column of
 * {@code /proc/stat}'s {@code cpu} line, all vCPUs together). This machine is a VM: its load average can be 0 while
 * the host is busy, and the same run then takes up to twice as long. A wall time is comparable with another only
 * when both say how much was stolen.
 */
record StolenTime(long ticks) {

    /** USER_HZ, the unit of /proc/stat: 100 on Linux. */
    private static final double TICKS_PER_SECOND = 100;

    static StolenTime now() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    // cpu user nice system idle iowait irq softirq steal ...
                    return new StolenTime(Long.parseLong(line.trim().split("\\s+")[8]));
                }
            }
            throw new IllegalStateException("/proc/stat has no cpu line");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Seconds stolen since {@code before}, all vCPUs together. */
    double secondsSince(StolenTime before) {
        return (ticks - before.ticks) / TICKS_PER_SECOND;
    }
}
