package io.fleetwarden.bench;

import io.fleetwarden.testing.LoopbackPorts;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.GuardedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Flux's source-controller and kustomize-controller (built from their Go modules by {@code bin/build-flux-controllers})
 * running out of cluster against a {@link ControlPlane}, as they run in a cluster minus the pod: each with a
 * kubeconfig of its own (a client certificate of the group {@code system:masters}, as Flux's install binds them to
 * cluster-admin; its own user name so the audit log tells their requests apart), leader election off, metrics and
 * health on free loopback ports, and source-controller's artifact server on loopback, advertised there, which is
 * where kustomize-controller fetches every artifact from.
 */
final class FluxControllers implements AutoCloseable {

    /** User names (client certificate CNs) of the two controllers: {@link AuditLog} counts by this prefix. */
    static final String USER_PREFIX = "flux:";

    /**
     * The controllers' flags for one arrangement.
     *
     * @param name          shown in the figures
     * @param sourceArgs    extra source-controller flags
     * @param kustomizeArgs extra kustomize-controller flags
     * @param tmpfs         kustomize-controller's temp folder on tmpfs (/dev/shm), as the published benchmark mounts
     *                      {@code /tmp} (an emptyDir of medium Memory)
     * @param goMemLimit    GOMEMLIMIT for kustomize-controller (the benchmark sets it to the memory limit), or null
     */
    record Settings(String name, List<String> sourceArgs, List<String> kustomizeArgs, boolean tmpfs, String goMemLimit) {

        /**
         * fluxcd/flux-benchmark's manifests/install: source-controller {@code --concurrent=10}, kustomize-controller
         * {@code --concurrent=20} with {@code /tmp} on tmpfs and GOMEMLIMIT at its 1 GiB limit. Everything else
         * (client QPS 50 / burst 300, requeue-dependency 30 s, concurrent-ssa 4) is the controllers' default there.
         * The CPU limits (1 and 2 CPUs) are not applied: this machine has 2 cores for everything.
         */
        static Settings published() {
            return new Settings("flux-published", List.of("--concurrent=10"), List.of("--concurrent=20"), true,
                    "1GiB");
        }

        /** The controllers' own defaults: source-controller concurrency 2, kustomize-controller 4. */
        static Settings defaults() {
            return new Settings("flux-defaults", List.of(), List.of(), false, null);
        }

        static Settings named(String name) {
            return switch (name) {
                case "published", "flux-published" -> published();
                case "defaults", "flux-defaults" -> defaults();
                default -> throw new IllegalArgumentException("unknown Flux settings '" + name
                        + "': published or defaults");
            };
        }
    }

    private final GuardedProcess source;
    private final GuardedProcess kustomize;
    private final Settings settings;

    private FluxControllers(GuardedProcess source, GuardedProcess kustomize, Settings settings) {
        this.source = source;
        this.kustomize = kustomize;
        this.settings = settings;
    }

    /** Starts both in {@code binaries} (the folder bin/build-flux-controllers printed), logs in plane.dir()/flux. */
    static FluxControllers start(ControlPlane plane, Path binaries, Settings settings) {
        GuardedProcess source = null;
        try {
            Path dir = Files.createDirectories(plane.dir().resolve("flux"));
            Path storage = Files.createDirectories(dir.resolve("storage"));
            int storagePort = LoopbackPorts.free();
            int sourceHealth = LoopbackPorts.free();
            List<String> sourceCmd = new ArrayList<>(List.of(binaries.resolve("source-controller").toString(),
                    "--storage-path=" + storage,
                    "--storage-addr=127.0.0.1:" + storagePort,
                    "--storage-adv-addr=127.0.0.1:" + storagePort,
                    "--metrics-addr=127.0.0.1:" + LoopbackPorts.free(),
                    "--health-addr=127.0.0.1:" + sourceHealth,
                    "--events-addr=",
                    "--watch-all-namespaces=true",
                    "--enable-leader-election=false",
                    "--log-level=info", "--log-encoding=json"));
            sourceCmd.addAll(settings.sourceArgs());
            source = GuardedProcess.start("source-controller", sourceCmd,
                    env(plane, dir, "source-controller", null, null), dir.resolve("source-controller.log"));
            awaitReady(source, sourceHealth);

            int kustomizeHealth = LoopbackPorts.free();
            List<String> kustomizeCmd = new ArrayList<>(List.of(binaries.resolve("kustomize-controller").toString(),
                    "--metrics-addr=127.0.0.1:" + LoopbackPorts.free(),
                    "--health-addr=127.0.0.1:" + kustomizeHealth,
                    "--events-addr=",
                    "--watch-all-namespaces=true",
                    "--enable-leader-election=false",
                    "--log-level=info", "--log-encoding=json"));
            kustomizeCmd.addAll(settings.kustomizeArgs());
            Path tmp = settings.tmpfs() ? Files.createDirectories(Path.of("/dev/shm")
                    .resolve("fleetwarden-side-by-side-" + ProcessHandle.current().pid()))
                    : Files.createDirectories(dir.resolve("tmp"));
            GuardedProcess kustomize = GuardedProcess.start("kustomize-controller", kustomizeCmd,
                    env(plane, dir, "kustomize-controller", tmp, settings.goMemLimit()),
                    dir.resolve("kustomize-controller.log"));
            try {
                awaitReady(kustomize, kustomizeHealth);
            } catch (RuntimeException e) {
                kustomize.close();
                throw e;
            }
            return new FluxControllers(source, kustomize, settings);
        } catch (IOException e) {
            if (source != null) {
                source.close();
            }
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            if (source != null) {
                source.close();
            }
            throw e;
        }
    }

    private static Map<String, String> env(ControlPlane plane, Path dir, String name, Path tmp, String goMemLimit)
            throws IOException {
        Path kubeconfig = Files.writeString(dir.resolve(name + ".kubeconfig"),
                plane.userKubeconfig(USER_PREFIX + name, "system:masters"));
        Map<String, String> env = new java.util.HashMap<>(Map.of("KUBECONFIG", kubeconfig.toString(),
                // Where a controller in a pod would read its own namespace from the downward API.
                "RUNTIME_NAMESPACE", "flux-system"));
        if (tmp != null) {
            env.put("TMPDIR", tmp.toString());
        }
        if (goMemLimit != null) {
            env.put("GOMEMLIMIT", goMemLimit);
        }
        return env;
    }

    /** controller-runtime's readiness probe; fails at once with the log's tail if the controller exits. */
    private static void awaitReady(GuardedProcess p, int healthPort) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant end = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(end)) {
            if (!p.isAlive()) {
                throw new IllegalStateException(p.name() + " exited; its log (" + p.log() + ") ends with:\n"
                        + p.tail(30));
            }
            try {
                int code = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/readyz"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (code == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            try {
                Thread.sleep(100); // a process we do not control: its probe is all there is to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException(p.name() + " not ready within 60 s; log " + p.log() + ":\n" + p.tail(30));
    }

    Settings settings() {
        return settings;
    }

    GuardedProcess source() {
        return source;
    }

    GuardedProcess kustomize() {
        return kustomize;
    }

    @Override
    public void close() {
        kustomize.close();
        source.close();
        if (settings.tmpfs()) {
            Path tmp = Path.of("/dev/shm").resolve("fleetwarden-side-by-side-" + ProcessHandle.current().pid());
            try (var walk = Files.walk(tmp)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: /dev/shm is emptied at reboot anyway
            }
        }
    }
}
