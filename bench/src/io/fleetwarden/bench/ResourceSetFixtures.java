package io.fleetwarden.bench;

import io.fleetwarden.testing.cluster.Components;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The ResourceSets the ResourceSet benchmark renders and reconciles, generated for N input sets. */
final class ResourceSetFixtures {

    private ResourceSetFixtures() {
    }

    /** D2's tenants ResourceSet for applications, {@code ../shared/fixtures/d2/d2-fleet/tenants/apps.yaml}. */
    static Path d2Apps() {
        return Components.repositoryRoot().resolveSibling("shared").resolve("fixtures/d2/d2-fleet/tenants/apps.yaml");
    }

    /**
     * D2's apps ResourceSet with its two input sets replaced by {@code n} generated tenants, everything else verbatim
     * (metadata, dependsOn and the seven templates per tenant: Namespace, ConfigMap and Secret with copyFrom,
     * ServiceAccount, RoleBinding, OCIRepository, Kustomization). The values are what D2's staging cluster
     * substitutes for its {@code ${...}} variables.
     */
    static String d2Shaped(int n) throws IOException {
        String d2 = Files.readString(d2Apps());
        int inputs = d2.indexOf("\n  inputs:\n");
        int resources = d2.indexOf("\n  resources:\n");
        if (inputs < 0 || resources < inputs) {
            throw new IllegalStateException(d2Apps() + ": no spec.inputs before spec.resources");
        }
        StringBuilder out = new StringBuilder(d2.substring(0, inputs)).append("\n  inputs:\n");
        for (int i = 0; i < n; i++) {
            out.append("""
                        - tenant: "tenant-%04d"
                          tag: "latest"
                          environment: "staging"
                          artifactSubjectWorkflow: "push-artifact"
                          artifactSubjectGitRef: "refs/heads/main"
                    """.formatted(i));
        }
        return out.append(d2.substring(resources + 1)).toString();
    }
}
