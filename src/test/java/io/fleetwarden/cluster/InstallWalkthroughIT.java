package io.fleetwarden.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.testing.FleetSources;
import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.GuideBlocks;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.cluster.Components;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.CustomResourceDefinitions;
import io.fleetwarden.testing.cluster.KubeletStandIn;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/operations.md walked through by a platform engineer on a real control plane, every command run exactly as
 * the guide prints it (read from the guide, so a changed command changes this test) with the real kubectl and
 * {@code bin/fleetwarden}, in a folder laid out like the checkout: the pre-install check of a cluster that
 * runs Flux, the install in the guide's order with {@code kubectl rollout status} waiting for two real replicas
 * ({@link KubeletStandIn} runs the pods; the API server calls the webhooks through deploy/'s Service as shipped),
 * "verify the install", a policy change (the team's own fleet on a private Sigstore, its root from a labelled
 * ConfigMap as the guide shows), a denial seen with kubectl and as an Event, and the uninstall, after which no
 * webhook, CRD or policy of fleetwarden's is left and the cluster admits what it admitted before.
 */
class InstallWalkthroughIT {

    private static final String GUIDE = "docs/operations.md";
    /** The team of the story (issue 14): their fleet repository, signed by its push workflow on main. */
    private static final String ACME_REPOSITORY = "acme/fleet";
    private static final String ACME_SUBJECT = "^https://github\\.com/acme/fleet/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$";

    @Test
    void theOperationsGuideInstallsChangesAPolicyShowsADenialAndUninstallsAsWritten(@TempDir Path tmp) throws Exception {
        Components components = Components.locate();
        Path app = Components.repositoryRoot().resolve("target/quarkus-app");
        try (ControlPlane plane = ControlPlane.start(components, tmp.resolve("plane"));
                SignedArtifacts artifacts = new SignedArtifacts(TestRegistry.shared(), LocalSigstore.create());
                KubernetesClient admin = plane.adminClient()) {
            runsFlux(plane, admin);
            Shell shell = Shell.in(checkout(tmp.resolve("checkout")), plane, components);

            // Install next to Flux: "Check the policies against the cluster's current sources first".
            List<String> preInstall = GuideBlocks.commandsAfter(GUIDE, "Check the policies against the cluster's current sources first:");
            assertThat(preInstall).hasSize(3);
            Shell.Result check = null;
            for (String command : preInstall) {
                check = shell.ok(command);
            }
            assertThat(check.output()).contains("WARNED OCIRepository frontend/apps (", "WARNED OCIRepository flux-system/flux-system (",
                    "ALLOWED OCIRepository monitoring/kube-prometheus-stack (",
                    "summary: 3 objects: judged 3: 3 allowed (2 with warnings), 0 denied");

            // The test registry is plain HTTP on loopback; a real registry speaks HTTPS and needs no such setting.
            Map<String, String> hostEnvironment = Map.of("FLEETWARDEN_GATE_INSECURE_REGISTRIES", artifacts.host());
            try (KubeletStandIn kubelet = KubeletStandIn.start(plane, app, tmp.resolve("node"), hostEnvironment)) {
                // "With kubectl", in its order: CRDs, policy tests, policies, then the service and its webhooks.
                List<String> install = GuideBlocks.commandsAfter(GUIDE, "### With kubectl");
                assertThat(install).hasSize(6);
                for (String command : install) {
                    shell.ok(command, () -> "kubelet stand-in: " + kubelet.events());
                }
                assertThat(install.get(install.size() - 1)).contains("rollout status");
                assertThat(kubelet.processes()).as("two replicas run").hasSize(2);

                // "Verify the install": every policy READY True, the Deployment available, the webhook answering.
                awaitAllPoliciesReady(shell, 5);
                assertThat(shell.ok("kubectl -n flux-system get deploy fleetwarden").output())
                        .containsPattern("fleetwarden\\s+2/2\\s+2\\s+2");
                Shell.Result dryRun = shell.run("kubectl apply --dry-run=server -f sources.yaml");
                // Whatever a registry this machine may or may not reach says, fleetwarden answered for each
                // source through the Service: nothing failed to call the webhook.
                assertThat(dryRun.output()).doesNotContain("failed calling webhook");
                for (String source : List.of("frontend/apps", "flux-system/flux-system", "monitoring/kube-prometheus-stack")) {
                    String name = source.substring(source.indexOf('/') + 1);
                    assertThat(dryRun.output()).as(source).containsPattern("(ocirepository.source.toolkit.fluxcd.io/" + name
                            + " (created|configured|serverside-applied|unchanged) \\(server dry run\\))|(denied the request: fleetwarden: )");
                }

                // A policy change: the team's own fleet, signed on a private Sigstore whose root is a ConfigMap.
                Files.write(shell.dir().resolve("trusted_root.json"), artifacts.sigstore().trustedRootJson());
                List<String> customRoot = GuideBlocks.commandsAfter(GUIDE, "**Custom trusted roots");
                assertThat(customRoot).hasSize(2);
                for (String command : customRoot) {
                    shell.ok(command);
                }
                Files.createDirectories(shell.dir().resolve("policies/acme"));
                Files.writeString(shell.dir().resolve("policies/acme/fleet.yaml"), acmePolicy(artifacts.host()));
                shell.ok("kubectl apply --server-side -f policies/acme/");
                awaitAllPoliciesReady(shell, 6);

                Digest signed = artifacts.publish(ACME_REPOSITORY, "latest");
                artifacts.signBundle(ACME_REPOSITORY, signed, SigningRequest.keyless(Identity.github().repository(ACME_REPOSITORY)
                        .workflowFile("push-artifact.yaml").ref("refs/heads/main").build()).build());
                artifacts.publish(ACME_REPOSITORY + "-unsigned", "latest");
                admin.resource(new NamespaceBuilder().withNewMetadata().withName("acme").endMetadata().build()).create();
                Files.writeString(shell.dir().resolve("acme-sources.yaml"), acmeSources(artifacts.host()));

                // The same sources in CI first, online, with the root under the name the cluster gives it.
                shell.ok("kubectl get namespaces -o yaml > namespaces.yaml");
                Shell.Result ci = shell.run("bin/fleetwarden check --policy policies/acme --policy policies/tenancy "
                        + "--cluster-state namespaces.yaml --trusted-root "
                        + "configmap:corp-root/trusted_root.json=trusted_root.json --insecure-registry " + artifacts.host()
                        + " -f acme-sources.yaml");
                assertThat(ci.exit()).as(ci.output()).isEqualTo(1);
                String reason = deniedReason(ci.output(), "acme/fleet-unsigned");
                assertThat(ci.output()).contains("ALLOWED OCIRepository acme/fleet (");

                // The webhook decides as check did, and says so to kubectl: a denial seen with kubectl.
                Shell.Result server = shell.run("kubectl apply --dry-run=server -f acme-sources.yaml");
                assertThat(server.output()).contains("ocirepository.source.toolkit.fluxcd.io/fleet created (server dry run)")
                        .contains("admission webhook \"ocirepository.fleetwarden.io\" denied the request: fleetwarden: ")
                        .contains(reason);
                Shell.Result apply = shell.run("kubectl apply -f acme-sources.yaml");
                assertThat(apply.exit()).isNotZero();
                assertThat(apply.output()).contains("ocirepository.source.toolkit.fluxcd.io/fleet created").contains(reason);
                // ... and where people look: an Event on the policy that denied it.
                Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(shell.ok("kubectl describe artifactpolicy acme-fleet").output())
                                .contains("Events:").contains("fleet-unsigned"));

                // Uninstall, as written: nothing of fleetwarden's is left, Flux's objects are untouched.
                List<String> uninstall = GuideBlocks.commandsAfter(GUIDE, "**Uninstall**");
                Shell.Result last = null;
                for (String command : uninstall) {
                    last = shell.ok(command);
                }
                assertThat(last.output()).doesNotContain("fleetwarden");
                assertThat(shell.ok("kubectl get crd").output()).doesNotContain("fleetwarden.io");
                assertThat(admin.secrets().inNamespace("flux-system").list().getItems())
                        .noneMatch(s -> s.getMetadata().getName().startsWith("fleetwarden"));
                assertThat(admin.serviceAccounts().inNamespace("flux-system").withName("fleetwarden").get()).isNull();
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .untilAsserted(() -> assertThat(kubelet.processes()).as("replicas still running").isEmpty());
                assertThat(admin.genericKubernetesResources("source.toolkit.fluxcd.io/v1", "OCIRepository").inAnyNamespace()
                        .list().getItems()).extracting(o -> o.getMetadata().getNamespace() + "/" + o.getMetadata().getName())
                        .containsExactlyInAnyOrder("frontend/apps", "flux-system/flux-system",
                                "monitoring/kube-prometheus-stack", "acme/fleet");
                // No webhook left to fail closed: a namespace and the source fleetwarden refused go through.
                admin.resource(new NamespaceBuilder().withNewMetadata().withName("after-uninstall").endMetadata().build()).create();
                assertThat(shell.run("kubectl apply -f acme-sources.yaml").exit()).isZero();
            }
        }
    }

    /** A cluster that runs Flux: its source CRD, D2's namespaces and the sources CheckCommandTest exports. */
    private static void runsFlux(ControlPlane plane, KubernetesClient admin) {
        CustomResourceDefinitions.installFluxKinds(plane, "source-controller.yaml", Set.of("OCIRepository"));
        admin.resource(new NamespaceBuilder().withNewMetadata().withName("flux-system").endMetadata().build()).create();
        admin.resource(new NamespaceBuilder().withNewMetadata().withName("monitoring").endMetadata().build()).create();
        admin.resource(new NamespaceBuilder().withNewMetadata().withName("frontend")
                .addToLabels("toolkit.fluxcd.io/role", "tenant").endMetadata().build()).create();
        for (HasMetadata source : admin.load(new ByteArrayInputStream(FleetSources.D2_FLUX_EXPORT.getBytes(StandardCharsets.UTF_8)))
                .items()) {
            admin.resource(source).create();
        }
    }

    /** A folder laid out like the checkout the guide's commands run in (bin/fleetwarden runs the packaged app). */
    private static Path checkout(Path dir) throws IOException {
        Path root = Components.repositoryRoot();
        for (String folder : List.of("bin", "deploy", "policies", "policy-tests")) {
            try (Stream<Path> files = Files.walk(root.resolve(folder))) {
                for (Path from : (Iterable<Path>) files::iterator) {
                    Path to = dir.resolve(root.relativize(from).toString());
                    if (Files.isDirectory(from)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(from, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
        return dir;
    }

    /** Until {@code kubectl get artifactpolicies,tenancypolicies} lists {@code count} policies, each READY True. */
    private static void awaitAllPoliciesReady(Shell shell, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<String> rows = shell.ok("kubectl get artifactpolicies,tenancypolicies --no-headers").output().lines()
                    .filter(l -> !l.isBlank()).toList();
            assertThat(rows).hasSize(count).allSatisfy(row -> assertThat(row).containsPattern("\\sTrue$"));
        });
    }

    private static String deniedReason(String checkOutput, String source) {
        String line = checkOutput.lines().filter(l -> l.startsWith("DENIED OCIRepository " + source + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("check did not deny " + source + ":\n" + checkOutput));
        // "DENIED OCIRepository ns/name (file#i): Reason: message": the message is what the webhook also says.
        String afterLocation = line.substring(line.indexOf("): ") + 3);
        return afterLocation.substring(afterLocation.indexOf(": ") + 2);
    }

    private static String acmePolicy(String registry) {
        return """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata:
                  name: acme-fleet
                spec:
                  sources: ["oci://%s/acme/*"]
                  authorities:
                    - name: corp
                      trustedRootFrom:
                        configMapKeyRef: {name: corp-root}
                      keyless:
                        issuer: https://token.actions.githubusercontent.com
                        subjectRegExp: '%s'
                        github:
                          repository: acme/fleet
                          workflow: .github/workflows/push-artifact.yaml
                          refs: [refs/heads/main]
                """.formatted(registry, ACME_SUBJECT);
    }

    private static String acmeSources(String registry) {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("fleet", "fleet-unsigned")) {
            out.append("""
                    ---
                    apiVersion: source.toolkit.fluxcd.io/v1
                    kind: OCIRepository
                    metadata: {name: %s, namespace: acme}
                    spec:
                      interval: 5m
                      url: oci://%s/acme/%s
                      ref: {tag: latest}
                      verify:
                        provider: cosign
                        matchOIDCIdentity:
                          - issuer: ^https://token\\.actions\\.githubusercontent\\.com$
                            subject: %s
                    """.formatted(name, registry, name, ACME_SUBJECT));
        }
        return out.toString();
    }

    /** bash in the checkout folder, with the kubectl we build on the PATH and the plane's admin kubeconfig. */
    private record Shell(Path dir, Map<String, String> environment) {

        record Result(int exit, String output) {
        }

        static Shell in(Path dir, ControlPlane plane, Components components) throws IOException {
            Path kubeconfig = Files.writeString(dir.resolve("admin.kubeconfig"), plane.adminKubeconfig());
            Map<String, String> env = new HashMap<>();
            env.put("PATH", components.kubectl().getParent() + ":" + System.getenv("PATH"));
            env.put("KUBECONFIG", kubeconfig.toString());
            env.put("FLEETWARDEN_APP", Components.repositoryRoot().resolve("target/quarkus-app").toString());
            return new Shell(dir, env);
        }

        Result run(String command) {
            List<String> argv = new ArrayList<>(List.of("bash", "-o", "pipefail", "-c", command));
            try {
                Path output = Files.createTempFile(dir, "command", ".out");
                ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(output.toFile());
                builder.environment().putAll(environment);
                Process p = builder.start();
                // rollout status waits for the replicas: the longest step, bounded here rather than by its default.
                if (!p.waitFor(240, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(command + ": did not end within 240 s:\n" + Files.readString(output));
                }
                String out = Files.readString(output);
                Files.delete(output);
                return new Result(p.exitValue(), out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        Result ok(String command) {
            return ok(command, () -> "");
        }

        /** {@code command} must succeed; {@code context} is added to the failure message. */
        Result ok(String command, java.util.function.Supplier<String> context) {
            Result r = run(command);
            assertThat(r.exit()).as(() -> command + "\n" + r.output() + "\n" + context.get()).isZero();
            return r;
        }
    }
}
