package io.fleetwarden.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The admission webhook under load (issue 3), run by {@code bench/webhook}. Sets up a registry, a local
 * Sigstore, signed artifacts, TLS files and a Kubernetes API ({@link WebhookFixture}), starts the packaged
 * service as its own JVM ({@link ServiceProcess}) and loads it from wrk processes ({@link Wrk}), in phases:
 * warm-up; warm reviews and trivial (bypassed DELETE) reviews at the same time at the same set pace, then
 * the same two at once as fast as they go; cold reviews (every one a new digest); a connection-count ramp of warm reviews;
 * and 60 s at the best error-free step, sampling the heap. Client-side figures are wrk's, server-side
 * figures come from the decision log ({@link ServerLatencies}).
 *
 * <p>Arguments: {@code [cold reviews (2000)] [-Xmx of the service (256m)] [seconds per phase (30)]}.
 */
public final class WebhookBench {

    private static final String VERIFIED = "Verified";
    private static final String BYPASSED = "Bypassed";
    private static final int WARMUP_COLD = 200;
    private static final int COLD_SECONDS = 12;
    /** The paced comparison: 2 connections per kind, each pausing 10 ms after an answer (~170 req/s per kind). */
    private static final int PACED_CONNECTIONS = 2;
    private static final int PAUSE_MS = 10;

    public static void main(String[] args) {
        int status = 1;
        try {
            bench(args);
            status = 0;
        } catch (Exception e) {
            e.printStackTrace();
        } finally {
            // The mock API server's Vert.x keeps non-daemon threads after destroy(); everything this run started
            // is closed by now, so end the JVM rather than leave bench/webhook waiting.
            System.exit(status);
        }
    }

    private static void bench(String[] args) throws Exception {
        int cold = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        String heap = args.length > 1 ? args[1] : "256m";
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Path work = Files.createTempDirectory("fleetwarden-webhook-bench-");
        System.out.printf("java %s, %d cpus; work directory %s%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), work);
        try (WebhookFixture fixture = new WebhookFixture(work)) {
            long t = System.nanoTime();
            fixture.publishWarm();
            fixture.publishCold(WARMUP_COLD + cold);
            System.out.printf("published and signed %d artifacts in %.1f s%n", 1 + WARMUP_COLD + cold,
                    (System.nanoTime() - t) / 1e9);
            try (ServiceProcess service = new ServiceProcess(fixture, heap)) {
                Files.writeString(work.resolve("service.pid"), String.valueOf(service.pid()));
                Duration ready = service.awaitReady(Duration.ofSeconds(60));
                System.out.printf("service pid %d ready after %d ms on %s, -Xmx%s%n", service.pid(), ready.toMillis(),
                        service.url("/"), heap);
                new WebhookBench(fixture, service, seconds).run();
            }
        }
    }

    private final WebhookFixture fixture;
    private final ServiceProcess service;
    private final int seconds;
    private final String url;
    private final List<Wrk.Result> results = new ArrayList<>();

    private WebhookBench(WebhookFixture fixture, ServiceProcess service, int seconds) {
        this.fixture = fixture;
        this.service = service;
        this.seconds = seconds;
        this.url = service.url("/validate/ocirepository");
    }

    private void run() throws Exception {
        List<Path> cold = fixture.coldDocuments("cold", WARMUP_COLD);
        // JIT and caches warm: all three kinds of review, the cold ones on artifacts kept for warm-up.
        check(Wrk.run("warm-up cold", url, cold.get(0), VERIFIED, 1, 1, seconds / 2, true));
        check(Wrk.run("warm-up warm", url, fixture.warmDocuments("warmup-warm"), VERIFIED, 1, 4, seconds, false));
        check(Wrk.run("warm-up trivial", url, fixture.trivialDocuments("warmup-trivial"), BYPASSED, 1, 4, seconds / 2, false));

        // The comparison the targets are about: warm and trivial reviews at the same time, at the same set pace
        // (each of PACED_CONNECTIONS connections waits PAUSE_MS after every answer), below saturation.
        String before = service.metrics();
        Wrk.Run warm = Wrk.startPaced("warm (paced)", url, fixture.warmDocuments("warm"), VERIFIED, PACED_CONNECTIONS,
                seconds, PAUSE_MS);
        Wrk.Run trivial = Wrk.startPaced("trivial (paced)", url, fixture.trivialDocuments("trivial"), BYPASSED,
                PACED_CONNECTIONS, seconds, PAUSE_MS);
        CompletableFuture<Stats> probe = RegistryProbe.start(fixture.warmReference(), seconds - 1, PAUSE_MS);
        Wrk.Result warmResult = check(warm.await());
        Wrk.Result trivialResult = check(trivial.await());
        Stats registryRoundTrip = probe.join();
        String after = service.metrics();
        double histogramShare = (double) (bucket(after, VERIFIED, "0.002") - bucket(before, VERIFIED, "0.002"))
                / (bucket(after, VERIFIED, "+Inf") - bucket(before, VERIFIED, "+Inf"));

        // The same two as fast as they go, at once, on 4 connections each: saturation, for the record.
        Wrk.Run warmFull = Wrk.start("warm (saturating)", url, fixture.warmDocuments("warm-full"), VERIFIED, 1, 4,
                seconds, false);
        Wrk.Run trivialFull = Wrk.start("trivial (saturating)", url, fixture.trivialDocuments("trivial-full"), BYPASSED,
                1, 4, seconds, false);
        Wrk.Result warmSaturating = check(warmFull.await());
        Wrk.Result trivialSaturating = check(trivialFull.await());

        // Sized so that the documents outlast the run (about 100 reviews a second): overflow must stay 0.
        Wrk.Result coldResult = check(Wrk.run("cold (new digest each)", url, cold.get(1), VERIFIED, 1, 1,
                Math.min(COLD_SECONDS, seconds), true));
        if (coldResult.overflow() != 0) {
            throw new IllegalStateException("the cold run used up its " + (coldResult.requests() - coldResult.overflow())
                    + " artifacts and repeated reviews; give more cold reviews as the first argument");
        }

        Wrk.Result best = null;
        for (int connections : new int[] { 1, 2, 4, 8, 16, 32, 64 }) {
            Wrk.Result step = Wrk.run("ramp warm", url, fixture.warmDocuments("ramp-" + connections), VERIFIED, 1,
                    connections, 10, false);
            results.add(step);
            if (step.errors() == 0 && (best == null || step.requestsPerSecond() > best.requestsPerSecond())) {
                best = step;
            }
        }
        if (best == null) {
            throw new IllegalStateException("no error-free step in the ramp");
        }
        Sustained sustained = sustained(best.connections());

        Map<String, ServerLatencies.Phase> server = ServerLatencies.read(service.log);
        System.out.println();
        System.out.println("== client side (wrk), server side (decision log latencyMs)");
        for (Wrk.Result r : results) {
            System.out.println(r.row());
        }
        for (String[] phase : new String[][] { { "warm", "warm (paced)" }, { "trivial", "trivial (paced)" },
                { "warm-full", "warm (saturating)" }, { "trivial-full", "trivial (saturating)" },
                { "cold", "cold (new digest each)" }, { "sustained", "sustained warm" } }) {
            System.out.println(server.get(phase[0]).row(phase[1]));
        }
        for (String[] phase : new String[][] { { "warm", "warm (paced)" }, { "warm-full", "warm (saturating)" },
                { "cold", "cold (new digest each)" } }) {
            System.out.println(server.get(phase[0] + ServerLatencies.REGISTRY).row(phase[1] + " registry wait"));
            System.out.println(server.get(phase[0] + ServerLatencies.OWN).row(phase[1] + " own"));
        }
        System.out.println(registryRoundTrip.row("registry round trip alone (probe, during the paced phase)"));
        System.out.printf("warm share <= 2 ms from the fleetwarden_admission_duration_seconds histogram: %.2f%%%n",
                100 * histogramShare);
        ServerLatencies.Phase w = server.get("warm");
        ServerLatencies.Phase tr = server.get("trivial");
        System.out.println();
        System.out.println("== against the targets");
        System.out.printf("paced load: %.0f warm + %.0f trivial req/s at once (%d connections each, %d ms pause)%n",
                warmResult.requestsPerSecond(), trivialResult.requestsPerSecond(), PACED_CONNECTIONS, PAUSE_MS);
        System.out.printf("warm p99 server side (paced; saturating)             %7.3f ms; %.3f ms   target <= 2 ms%n",
                w.percentile(99), server.get("warm-full").percentile(99));
        ServerLatencies.Phase own = server.get("warm" + ServerLatencies.OWN);
        System.out.printf("  of which not waiting for the registry, paced      p50 %.3f ms  p99 %.3f ms; trivial p50 %.3f"
                + " ms  p99 %.3f ms (own/trivial p99 %.2fx)%n", own.percentile(50), own.percentile(99), tr.percentile(50),
                tr.percentile(99), own.percentile(99) / tr.percentile(99));
        ratio("warm/trivial client side, paced", warmResult, trivialResult);
        ratio("warm/trivial client side, saturating", warmSaturating, trivialSaturating);
        System.out.printf("%-44s p50 %.2fx  p99 %.2fx   (server side)%n", "warm/trivial server side, paced",
                w.percentile(50) / tr.percentile(50), w.percentile(99) / tr.percentile(99));
        System.out.printf("cold p50 client side %.3f ms, server side %.3f ms   target <= 15 ms (n=%d)%n",
                coldResult.p50() / 1e3, server.get("cold").percentile(50), coldResult.requests());
        System.out.printf("sustained %d s at c=%d: %.0f req/s, errors %d; -Xmx%s; heap used max %d MiB (sampled %d times)%n",
                60, sustained.result.connections(), sustained.result.requestsPerSecond(), sustained.result.errors(),
                service.maxHeap, sustained.maxHeapUsed / (1024 * 1024), sustained.samples);
        System.out.println(sustained.gc.row());
    }

    private record Sustained(Wrk.Result result, long maxHeapUsed, int samples, HeapUse.Collections gc) {
    }

    /** 60 s at the best ramp step, sampling heap use once a second from another thread meanwhile. */
    private Sustained sustained(int connections) throws Exception {
        long gcFrom = service.gcLogSize();
        Wrk.Run run = Wrk.start("sustained warm", url, fixture.warmDocuments("sustained"), VERIFIED, 1, connections, 60,
                false);
        AtomicLong maxUsed = new AtomicLong();
        int samples = 0;
        long end = System.nanoTime() + Duration.ofSeconds(59).toNanos();
        while (System.nanoTime() < end) {
            maxUsed.accumulateAndGet(HeapUse.heapUsedBytes(service.metrics()), Math::max);
            samples++;
            Thread.sleep(1000); // the sampling interval, not a synchronisation
        }
        Wrk.Result result = check(run.await());
        return new Sustained(result, maxUsed.get(), samples, HeapUse.collections(service.gcLog, gcFrom, service.gcLogSize()));
    }

    private static void ratio(String name, Wrk.Result warm, Wrk.Result trivial) {
        System.out.printf("%-44s p50 %.2fx  p99 %.2fx   target <= 1.5x (%.3f/%.3f ms, %.3f/%.3f ms)%n", name,
                (double) warm.p50() / trivial.p50(), (double) warm.p99() / trivial.p99(), warm.p50() / 1e3,
                trivial.p50() / 1e3, warm.p99() / 1e3, trivial.p99() / 1e3);
    }

    private Wrk.Result check(Wrk.Result r) {
        results.add(r);
        System.out.println(r.row());
        if (r.errors() != 0) {
            throw new IllegalStateException(r.name() + " had errors: " + r.row() + " " + r.badSample());
        }
        return r;
    }

    /** A cumulative bucket of the admission histogram for path /validate/ocirepository, outcome allowed. */
    private static long bucket(String metrics, String reason, String le) {
        Pattern p = Pattern.compile("fleetwarden_admission_duration_seconds_bucket\\{(?=[^}]*le=\"" + Pattern.quote(le)
                + "\")(?=[^}]*reason=\"" + reason + "\")(?=[^}]*path=\"/validate/ocirepository\")[^}]*} ([\\d.E+]+)");
        Matcher m = p.matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }
}
