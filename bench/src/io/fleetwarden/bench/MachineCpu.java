package io.fleetwarden.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole machine's CPU, from {@code /proc/stat}'s {@code cpu} line (all CPUs together): time spent running
 * anything, time idle (idle and iowait), and time stolen. Over a window it says whether the machine had CPU to spare
 * (a system that waits for CPU is not made faster by shorter waits of its own), and how much the hypervisor gave to
 * other guests while this VM's vCPUs wanted to run (the {@code steal} column): this machine's load average can be 0
 * while the host is busy, and the same run then takes up to twice as long, so a wall time is comparable with another
 * only when both say how much was stolen.
 */
record MachineCpu(long busyTicks, long idleTicks, long stolenTicks) {

    /** USER_HZ, the unit of /proc/stat: 100 on Linux. */
    private static final double TICKS_PER_SECOND = 100;

    static MachineCpu now() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
                    String[] f = line.trim().split("\\s+");
                    long busy = 0;
                    for (int i : new int[] {1, 2, 3, 6, 7}) {
                        busy += Long.parseLong(f[i]);
                    }
                    return new MachineCpu(busy, Long.parseLong(f[4]) + Long.parseLong(f[5]), Long.parseLong(f[8]));
                }
            }
            throw new IllegalStateException("/proc/stat has no cpu line");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "busy 150.2 of 166.0 CPU-s (90 %)" since {@code before}. */
    String since(MachineCpu before) {
        double busy = (busyTicks - before.busyTicks) / TICKS_PER_SECOND;
        double all = busy + (idleTicks - before.idleTicks) / TICKS_PER_SECOND;
        return String.format("busy %.1f of %.1f CPU-s (%.0f %%)", busy, all, all == 0 ? 0 : 100 * busy / all);
    }

    /** Seconds stolen since {@code before}, all vCPUs together. */
    double stolenSecondsSince(MachineCpu before) {
        return (stolenTicks - before.stolenTicks) / TICKS_PER_SECOND;
    }
}
