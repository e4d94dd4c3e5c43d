package io.fleetwarden.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.CachedBuild;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.EngineOnCluster;
import io.fleetwarden.testing.cluster.FleetOnCluster;
import io.fleetwarden.testing.cluster.Kubectl;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flux's own CLI, built from its Go module at the release the tests install (bin/build-flux-cli), reads what engine
 * mode writes: {@code flux get sources oci} and {@code flux get kustomizations} list fleetwarden's objects with the
 * revision it applied and their readiness, as they list Flux's. A status field named or shaped differently from
 * Flux's would show here as an empty column or a wrong READY.
 */
class FluxCliReadsEngineStatusTest {

    static ControlPlane plane;
    static SignedArtifacts artifacts;
    static EngineOnCluster engine;
    static FleetOnCluster fleet;
    /** The client {@link #fleet} works with, closed with the class. */
    static KubernetesClient fleetAdmin;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        plane = ControlPlane.shared();
        artifacts = SignedArtifacts.onSharedRegistry();
        fleetAdmin = plane.adminClient();
        fleet = new FleetOnCluster(fleetAdmin, artifacts);
        engine = new EngineOnCluster(plane, artifacts, fleet.policies(), Duration.ofSeconds(1));
    }

    @AfterAll
    static void stop() {
        if (engine != null) {
            engine.close();
        }
        if (artifacts != null) {
            artifacts.close();
        }
        if (fleetAdmin != null) {
            fleetAdmin.close();
        }
    }

    @Test
    void fluxGetListsTheEnginesSourcesAndKustomizationsWithRevisionAndReadiness() throws Exception {
        String ns = fleet.tenant("fluxcli");
        String repo = fleet.repository("app", ns);
        Digest digest = fleet.publish(repo, "latest", Map.of("cm.yaml", FleetOnCluster.configMap("shown", "x")),
                SigningRequest.github());
        fleet.create(fleet.source(ns, "app", repo, "latest", Map.of()));
        fleet.create(fleet.kustomization(ns, "app", "app", "./", false, ns, Map.of(), ""));
        String revision = "latest@" + digest;
        fleet.awaitApplied(ns, "app", revision);
        // flux prints a revision's digest shortened to 8 hex digits, as it does for its own controllers' status.
        String shown = "latest@" + digest.toString().substring(0, "sha256:".length() + 8);

        List<String> sources = flux("get", "sources", "oci", "-n", ns);
        assertThat(sources.get(0)).containsSubsequence("NAME", "REVISION", "SUSPENDED", "READY", "MESSAGE");
        assertThat(sources).anySatisfy(row -> assertThat(row.split("\\s+")).startsWith("app", shown, "False", "True"));
        assertThat(sources).anySatisfy(row -> assertThat(row).contains("stored artifact for digest '" + shown + "'"));

        List<String> kustomizations = flux("get", "kustomizations", "-A");
        assertThat(kustomizations).anySatisfy(row -> assertThat(row.split("\\s+")).startsWith(ns, "app", shown,
                "False", "True", "Applied"));
    }

    private static List<String> flux(String... args) throws IOException, InterruptedException {
        Path binary = CachedBuild.folder("bin/build-flux-cli", "fleetwarden.flux-cli", 30).resolve("flux");
        Path kubeconfig = dir.resolve("admin.kubeconfig");
        Files.writeString(kubeconfig, plane.adminKubeconfig());
        // The kubectl runner runs any client with KUBECONFIG set, which flux reads as kubectl does.
        Kubectl.Result r = new Kubectl(binary, kubeconfig).run(args);
        assertThat(r.exit()).as("flux %s: %s", String.join(" ", args), r.output()).isZero();
        return r.output().lines().filter(l -> !l.isBlank()).toList();
    }
}
