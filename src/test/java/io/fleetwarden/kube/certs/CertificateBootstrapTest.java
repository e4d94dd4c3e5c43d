package io.fleetwarden.kube.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.testing.MockApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** First start without a Secret: create it, wait for the kubelet, and never touch the API once files exist. */
class CertificateBootstrapTest {

    private static final List<String> DNS = CertificateSettings.serviceDnsNames("fleetwarden", "flux-system", "cluster.local");

    @TempDir
    Path mount;
    private MockApiServer mock;
    private KubernetesClient client;
    private CertificateWorld world;
    private CertificateBootstrap bootstrap;

    @BeforeEach
    void cluster() {
        mock = MockApiServer.start();
        client = mock.client();
        world = new CertificateWorld(client, CertificateWorld.settings("flux-system", DNS, "")).applyWebhookConfigurations();
        bootstrap = new CertificateBootstrap(client, world.settings(), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        client.close();
        mock.close();
    }

    @Test
    void mountedFilesMeanNoApiCallAtAll() throws Exception {
        Files.writeString(mount.resolve("tls.crt"), "cert");
        Files.writeString(mount.resolve("tls.key"), "key");

        bootstrap.ensureMounted(mount.resolve("tls.crt"), mount.resolve("tls.key"), Duration.ofSeconds(1));

        assertThat(world.servingSecret()).isNull();
        assertThat(world.caSecret()).isNull();
    }

    @Test
    void withoutFilesTheSecretIsCreatedAndTheReplicaWaitsForTheKubelet() throws Exception {
        CompletableFuture<Void> starting = CompletableFuture.runAsync(() -> bootstrap.ensureMounted(mount.resolve("tls.crt"),
                mount.resolve("tls.key"), Duration.ofSeconds(30)));

        // The kubelet: once the Secret exists, project it into the volume.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (world.servingSecret() == null) {
            assertThat(Instant.now()).as("Secret created").isBefore(deadline);
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        assertThat(starting).isNotDone();
        for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
            Files.write(mount.resolve(key), Base64.getDecoder().decode(world.servingSecret().getData().get(key)));
        }

        starting.get(20, TimeUnit.SECONDS);
        assertThat(world.caBundles()).allSatisfy(bundle -> assertThat(bundle).containsExactly(world.ca().current().certificate()));
    }

    @Test
    void aVolumeThatNeverFillsFailsTheStartWithWhatToCheck() {
        assertThatThrownBy(() -> bootstrap.ensureMounted(mount.resolve("tls.crt"), mount.resolve("tls.key"),
                Duration.ofMillis(200)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Secret flux-system/fleetwarden-webhook-tls exists but")
                .hasMessageContaining("must mount the Secret there with optional: true");
        assertThat(world.servingSecret()).isNotNull();
    }
}
