package io.fleetwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.testing.GuideBlocks;
import io.fleetwarden.testing.cluster.Components;
import io.fleetwarden.testing.cluster.GateOnCluster;
import io.fleetwarden.testing.cluster.Kubectl;
import io.fleetwarden.testing.cluster.TestNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code failurePolicy: Fail} as shipped, with the service stopped: the API server refuses what the webhooks
 * judge, never lets it through; what fleetwarden's recovery needs is never blocked; and the break-glass
 * commands of docs/operations.md, run exactly as written with the real kubectl, open the cluster again.
 */
class FailClosedIT {

    @Test
    void withTheServiceDownWritesAreRefusedRecoveryIsNotBlockedAndBreakGlassWorksAsDocumented(@TempDir Path tmp)
            throws Exception {
        GateOnCluster gate = GateOnCluster.shared();
        try (KubernetesClient admin = gate.plane().adminClient()) {
            String ns = TestNamespaces.create(admin, "down");
            String repo = gate.repository("down");
            gate.publishSigned(repo, "latest");
            gate.cluster().stopService();
            try {
                // Even a correctly signed source is refused: nothing goes through unjudged.
                assertThatThrownBy(() -> admin.resource(gate.ociRepository(ns, "signed", repo, "latest")).create())
                        // Validating webhooks are called in parallel: whichever fails first is reported.
                        .hasMessageMatching("(?s).*failed calling webhook \"(ocirepository|tenancy)\\.fleetwarden\\.io\".*");
                assertThatThrownBy(() -> admin.resource(Serialization.unmarshal("""
                        apiVersion: v1
                        kind: Namespace
                        metadata: {name: %s-new}
                        """.formatted(ns), GenericKubernetesResource.class)).create())
                        .hasMessageContaining("failed calling webhook \"tenancy.fleetwarden.io\"");

                // Recovery is never blocked: fleetwarden's Deployment, its certificate Secret, ConfigMaps, and
                // its own delivery objects in flux-system.
                admin.resource(new DeploymentBuilder().withNewMetadata().withName("fleetwarden-recovery-" + ns)
                        .withNamespace("flux-system").endMetadata().withNewSpec().withReplicas(0).withNewSelector()
                        .addToMatchLabels("app", "r").endSelector().withNewTemplate().withNewMetadata()
                        .addToLabels("app", "r").endMetadata().withNewSpec().addNewContainer().withName("c")
                        .withImage("example.invalid/c:1").endContainer().endSpec().endTemplate().endSpec().build())
                        .create();
                admin.resource(new SecretBuilder().withNewMetadata().withName("fleetwarden-recovery-" + ns)
                        .withNamespace("flux-system").endMetadata().addToStringData("tls.crt", "x").build()).create();
                admin.resource(new ConfigMapBuilder().withNewMetadata().withName("fleetwarden-recovery-" + ns)
                        .withNamespace("flux-system").endMetadata().build()).create();
                GenericKubernetesResource own = admin.resource(gate.ociRepository("flux-system", "fleetwarden", repo,
                        "latest")).createOr(r -> r.update());
                assertThat(own.getMetadata().getUid()).isNotBlank();
                admin.resource(own).delete();

                for (List<String> command : breakGlassCommands()) {
                    assertThat(kubectl(gate, tmp, command)).contains("deleted");
                }
                GenericKubernetesResource admitted = admin.resource(gate.ociRepository(ns, "while-open", repo, "latest"))
                        .create();
                assertThat(admitted.getMetadata().getUid()).isNotBlank();
            } finally {
                gate.cluster().startService();
                gate.cluster().registerWebhooks();
            }
            assertThatThrownBy(() -> admin.resource(gate.ociRepository(ns, "after", gate.repository("x"), "latest"))
                    .create()).hasMessageContaining("denied the request: fleetwarden:");
        }
    }

    /** The {@code kubectl delete ...} lines of the break-glass block in docs/operations.md, as written. */
    static List<List<String>> breakGlassCommands() {
        List<List<String>> commands = new ArrayList<>();
        for (String line : GuideBlocks.commandsAfter("docs/operations.md", "Break glass, when it cannot be brought back quickly:")) {
            String command = line.replaceAll("\\s+#.*$", "");
            if (command.startsWith("kubectl delete ") && command.contains("webhookconfiguration")) {
                commands.add(List.of(command.substring("kubectl ".length()).split("\\s+")));
            }
        }
        assertThat(commands).as("docs/operations.md's break-glass commands").hasSize(2);
        return commands;
    }

    private static String kubectl(GateOnCluster gate, Path tmp, List<String> args) throws Exception {
        Path kubeconfig = Files.writeString(tmp.resolve("admin.kubeconfig"), gate.plane().adminKubeconfig());
        Kubectl.Result r = new Kubectl(Components.locate().kubectl(), kubeconfig).run(args);
        assertThat(r.exit()).as("kubectl %s: %s", args, r.output()).isZero();
        return r.output();
    }

}
