package io.fleetwarden.testing.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The CRDs a test control plane starts with: ours as shipped ({@code deploy/base/crds}, kept equal to the
 * generated ones by CrdDriftTest) and Flux's ({@code ../shared/fixtures/crds}), applied server-side and
 * waited for until the API server reports them Established.
 */
public final class CustomResourceDefinitions {

    private CustomResourceDefinitions() {
    }

    /** Installs ours and Flux's CRDs on {@code plane} and waits until they are Established. */
    public static void installAll(ControlPlane plane) {
        Path root = Components.repositoryRoot();
        List<Path> files = new ArrayList<>(yamlFiles(root.resolve("deploy/base/crds")));
        files.addAll(yamlFiles(root.resolveSibling("shared").resolve("fixtures/crds")));
        try (KubernetesClient client = plane.adminClient()) {
            List<String> names = new ArrayList<>();
            for (Path file : files) {
                try (InputStream in = Files.newInputStream(file)) {
                    for (HasMetadata crd : client.load(in).items()) {
                        client.resource(crd).fieldManager("fleetwarden-tests").forceConflicts().serverSideApply();
                        names.add(crd.getMetadata().getName());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            for (String name : names) {
                client.apiextensions().v1().customResourceDefinitions().withName(name)
                        .waitUntilCondition(CustomResourceDefinitions::established, 60, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Installs Flux's own CRDs for {@code kinds} from the pinned Flux distribution ({@code bin/flux-distribution}),
     * e.g. HelmRelease from {@code helm-controller.yaml}, and waits until they are Established.
     */
    public static void installFluxKinds(ControlPlane plane, String manifest, java.util.Set<String> kinds) {
        Path file = io.fleetwarden.testing.CachedBuild.output("bin/flux-distribution", 10).resolve(manifest);
        try (KubernetesClient client = plane.adminClient(); InputStream in = Files.newInputStream(file)) {
            List<String> names = new ArrayList<>();
            for (HasMetadata o : client.load(in).items()) {
                if (o instanceof CustomResourceDefinition crd && kinds.contains(crd.getSpec().getNames().getKind())) {
                    client.resource(crd).fieldManager("fleetwarden-tests").forceConflicts().serverSideApply();
                    names.add(crd.getMetadata().getName());
                }
            }
            if (names.size() != kinds.size()) {
                throw new IllegalStateException(file + " defines " + names + ", not all of " + kinds);
            }
            for (String name : names) {
                client.apiextensions().v1().customResourceDefinitions().withName(name)
                        .waitUntilCondition(CustomResourceDefinitions::established, 60, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Installs Flux Operator's FluxInstance CRD from the pinned Flux Operator module (the folder
     * {@code bin/flux-distribution} reads Flux's manifests from; its {@code config/crd/bases}) and waits until it is
     * Established.
     */
    public static void installFluxInstance(ControlPlane plane) {
        Path file = io.fleetwarden.testing.CachedBuild.output("bin/flux-distribution", 10)
                .resolve("../../../crd/bases/fluxcd.controlplane.io_fluxinstances.yaml").normalize();
        try (KubernetesClient client = plane.adminClient(); InputStream in = Files.newInputStream(file)) {
            for (HasMetadata crd : client.load(in).items()) {
                client.resource(crd).fieldManager("fleetwarden-tests").forceConflicts().serverSideApply();
                client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                        .waitUntilCondition(CustomResourceDefinitions::established, 60, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean established(CustomResourceDefinition crd) {
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
    }

    private static List<Path> yamlFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " is missing (the CRDs of the test control plane)");
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
