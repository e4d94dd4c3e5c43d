package io.fleetwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetwarden.testing.cluster.ControlPlaneChild;
import io.fleetwarden.testing.cluster.GuardedProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No component of a test control plane outlives the JVM that started it, even one killed with SIGKILL. */
class ControlPlaneLifetimeTest {

    @Test
    void componentsDieWithAJvmKilledWithoutShutdownHooks(@TempDir Path dir) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ControlPlaneChild.class.getName(), dir.resolve("plane").toString())
                .redirectError(log.toFile()).start();
        List<Long> pids;
        try (var out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).as("the child's first line; its stderr: %s", Files.exists(log) ? Files.readString(log) : "")
                    .startsWith("PIDS ");
            pids = Arrays.stream(line.substring(5).trim().split(" ")).map(Long::parseLong).toList();
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
        }
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(pids).hasSize(6); // etcd, kube-apiserver, kube-controller-manager and their guards

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(pids).noneMatch(GuardedProcess::isRunning));
    }
}
