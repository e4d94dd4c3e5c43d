package io.fleetwarden.demo;

import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.cluster.Components;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.CustomResourceDefinitions;
import io.fleetwarden.testing.cluster.LocalCluster;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code bin/local-cluster up}'s long-running half: a control plane, a registry and the packaged fleetwarden
 * installed on it (as {@link LocalCluster}), plus the demo's small signed fleet and its policy to try things
 * with. Writes {@code kubeconfig} and {@code info} into the state folder, then {@code ready}, and runs until it
 * is stopped (SIGTERM from {@code bin/local-cluster down}); every process it started stops with it.
 */
public final class LocalClusterMain {

    private LocalClusterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[0]);
        Path app = Path.of(args[1]);
        ControlPlane plane = ControlPlane.start(Components.locate(), state.resolve("control-plane"));
        Runtime.getRuntime().addShutdownHook(new Thread(plane::close, "control-plane-stop"));
        CustomResourceDefinitions.installAll(plane);
        TestRegistry registry = TestRegistry.start(null);
        Runtime.getRuntime().addShutdownHook(new Thread(registry::close, "registry-stop"));
        SignedArtifacts artifacts = new SignedArtifacts(registry, LocalSigstore.create());
        DemoFleet fleet = new DemoFleet(artifacts, Files.createDirectories(state.resolve("fleet")));
        LocalCluster cluster = LocalCluster.install(plane, app, state.resolve("fleetwarden"),
                Map.of("fleetwarden.gate.trusted-roots.local", fleet.trustedRoot.toString()));
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "fleetwarden-stop"));
        Files.writeString(state.resolve("kubeconfig"), plane.adminKubeconfig());
        Files.writeString(state.resolve("info"), """
                API server:      %s (kube-apiserver %s, etcd, kube-controller-manager)
                registry:        %s (plain HTTP on loopback)
                fleetwarden:     https://127.0.0.1:%d (webhooks registered, running as flux-system/fleetwarden)
                example policy:  %s
                signed:          %s (push-artifact.yaml on main)
                wrong workflow:  %s
                unsigned:        %s
                """.formatted(plane.url(), "v1.36.3", registry.host(), cluster.service().port(), fleet.policy,
                fleet.frontend, fleet.backend, fleet.payments));
        Files.writeString(state.resolve("ready"), "");
        Thread.currentThread().join();
    }
}
