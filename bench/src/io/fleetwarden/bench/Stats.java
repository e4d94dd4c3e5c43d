package io.fleetwarden.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds, reported as p50/p90/p99 milliseconds. */
final class Stats {

    private final long[] samples;
    private int n;

    Stats(int capacity) {
        samples = new long[capacity];
    }

    void add(long nanos) {
        samples[n++] = nanos;
    }

    double percentileMs(double p) {
        long[] sorted = Arrays.copyOf(samples, n);
        Arrays.sort(sorted);
        int index = (int) Math.min(n - 1, Math.ceil(p / 100.0 * n) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    String row(String name) {
        return String.format("%-58s p50 %7.3f ms   p90 %7.3f ms   p99 %7.3f ms   (n=%d)", name, percentileMs(50),
                percentileMs(90), percentileMs(99), n);
    }

    interface Body {
        void run() throws Exception;
    }

    static Stats measure(int warmup, int iterations, Body body) throws Exception {
        for (int i = 0; i < warmup; i++) {
            body.run();
        }
        Stats s = new Stats(iterations);
        for (int i = 0; i < iterations; i++) {
            long t = System.nanoTime();
            body.run();
            s.add(System.nanoTime() - t);
        }
        return s;
    }
}
