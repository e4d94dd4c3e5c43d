package io.fleetwarden.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.testing.CachedBuild;
import io.fleetwarden.testing.D2Fixtures;
import io.fleetwarden.testing.OciPublisher;
import io.fleetwarden.testing.TestRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our FluxInstance sync objects against the real Flux Operator CLI ({@code flux-operator build instance}, built from
 * its pinned Go module by bin/build-flux-operator-cli), which builds the whole distribution: its sync source and
 * Kustomization must be exactly ours, for D2's four clusters and a corpus of every sync option. The distribution
 * (Flux's manifests as the operator's module ships them, bin/flux-distribution) is served by the real registry,
 * as Flux Operator pulls it. Only {@code app.kubernetes.io/version} is set aside (see {@link FluxInstanceSync}).
 */
class FluxInstanceSyncDifferentialTest {

    private static final Set<String> SYNC_KINDS = Set.of("OCIRepository", "GitRepository", "Bucket", "Kustomization");

    private static final com.fasterxml.jackson.databind.ObjectMapper SORTED = new com.fasterxml.jackson.databind.ObjectMapper()
            .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

    static String distribution;

    @TempDir
    static Path dir;

    @BeforeAll
    static void publishDistribution() throws IOException {
        Path manifests = CachedBuild.folder("bin/flux-distribution", "fleetwarden.flux-distribution", 10);
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(manifests)) {
            for (Path p : s.sorted().toList()) {
                files.put("flux/" + manifests.getFileName() + "/" + p.getFileName(), Files.readAllBytes(p));
            }
        }
        TestRegistry registry = TestRegistry.shared();
        new OciPublisher(registry).pushArtifact("flux-distribution/manifests", "latest", files);
        distribution = "oci://" + registry.host() + "/flux-distribution/manifests:latest";
    }

    @TestFactory
    Stream<DynamicTest> syncObjectsAreFluxOperatorsForEveryCase() {
        Map<String, String> cases = new LinkedHashMap<>();
        for (String cluster : List.of("staging", "prod-eu", "prod-us", "update")) {
            cases.put("d2 " + cluster, read("d2-fleet/clusters/" + cluster + "/flux-system/flux-instance.yaml"));
        }
        cases.put("single tenant, named sync, interval 90s, provider, commonMetadata", """
                apiVersion: fluxcd.controlplane.io/v1
                kind: FluxInstance
                metadata: {name: flux, namespace: gitops}
                spec:
                  distribution: {version: "2.x", registry: ghcr.io/fluxcd}
                  commonMetadata:
                    labels: {team: platform}
                    annotations: {owner: sre}
                  sync:
                    name: fleet
                    kind: OCIRepository
                    url: oci://registry.example.com/fleet
                    ref: v1.2.3
                    path: ./clusters/a
                    interval: 90s
                    provider: aws
                """);
        cases.put("git, multitenant with a default account, a strategic merge patch on the Kustomization", """
                apiVersion: fluxcd.controlplane.io/v1
                kind: FluxInstance
                metadata: {name: flux, namespace: flux-system}
                spec:
                  distribution: {version: "2.x", registry: ghcr.io/fluxcd}
                  cluster: {multitenant: true, tenantDefaultServiceAccount: flux}
                  sync:
                    kind: GitRepository
                    url: https://github.com/acme/fleet.git
                    ref: refs/heads/main
                    path: clusters/prod
                    pullSecret: git-auth
                    interval: 1h30m
                  kustomize:
                    patches:
                      - target: {kind: Kustomization, name: flux-system}
                        patch: |
                          apiVersion: kustomize.toolkit.fluxcd.io/v1
                          kind: Kustomization
                          metadata: {name: flux-system}
                          spec:
                            timeout: 5m
                            decryption: {provider: sops}
                """);
        cases.put("bucket, sub-second interval", """
                apiVersion: fluxcd.controlplane.io/v1
                kind: FluxInstance
                metadata: {name: flux, namespace: flux-system}
                spec:
                  distribution: {version: "2.x", registry: ghcr.io/fluxcd}
                  sync:
                    kind: Bucket
                    url: minio.example.com
                    ref: fleet
                    path: ./
                    interval: 1.5s
                """);
        return cases.entrySet().stream().map(c -> DynamicTest.dynamicTest(c.getKey(), () -> compare(c.getKey(),
                c.getValue())));
    }

    private static void compare(String name, String yaml) throws Exception {
        Path file = dir.resolve(name.replaceAll("[^a-z0-9]+", "-") + ".yaml");
        Files.writeString(file, yaml);
        List<JsonNode> theirs = new ArrayList<>();
        for (JsonNode o : Yaml.documents("flux-operator", fluxOperatorBuild(file).getBytes(StandardCharsets.UTF_8))) {
            if (SYNC_KINDS.contains(o.path("kind").asText()) && o.at("/metadata/labels").has("fluxcd.controlplane.io/name")) {
                ((ObjectNode) o.at("/metadata/labels")).remove("app.kubernetes.io/version");
                theirs.add(o);
            }
        }
        assertThat(theirs).as("Flux Operator's sync objects for %s", name).hasSize(2);
        JsonNode instance = Yaml.object(name, yaml.getBytes(StandardCharsets.UTF_8));
        List<ObjectNode> ours = FluxInstanceSync.render(instance, Limits.DEFAULT);
        // Field for field; the order of keys and of the two objects is not a difference that reaches the cluster.
        assertThat(ours).map(FluxInstanceSyncDifferentialTest::canonical)
                .containsExactlyInAnyOrderElementsOf(theirs.stream().map(FluxInstanceSyncDifferentialTest::canonical).toList());
    }

    private static String fluxOperatorBuild(Path file) throws IOException, InterruptedException {
        Path binary = CachedBuild.folder("bin/build-flux-operator-cli", "fleetwarden.flux-operator", 30)
                .resolve("flux-operator");
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "build", "instance", "-f", file.toString(),
                "--distribution-artifact", distribution);
        pb.environment().put("KUBECONFIG", "/nonexistent");
        pb.environment().put("HOME", dir.toString());
        pb.redirectError(dir.resolve("flux-operator.err").toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("flux-operator build instance ends").isTrue();
        assertThat(p.exitValue()).as("flux-operator build instance: %s",
                Files.readString(dir.resolve("flux-operator.err"))).isZero();
        return out;
    }

    private static String canonical(JsonNode node) {
        try {
            return SORTED.writeValueAsString(SORTED.treeToValue(node, Object.class));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String read(String relative) {
        try {
            return Files.readString(D2Fixtures.path(relative));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
