package io.fleetwarden.bench;

import io.fleetwarden.reconcile.Engine;
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

    /**
     * What the reconcile benchmark applies: per input set a ConfigMap and a ServiceAccount in the ResourceSet's own
     * tenant namespace, as that namespace's service account {@code flux}. Cheap for the API server and final as soon
     * as written (no controller acts on them, nothing to pull or verify), so the figures are the reconciler's: render,
     * tenancy check, one apply per object, inventory, status; a Namespace per input would add the namespace
     * controller's asynchronous deletion to the garbage-collection figure, and a tenant may not create Namespaces.
     */
    static String cheapObjects(String namespace, String shard, int n) {
        StringBuilder out = new StringBuilder("""
                apiVersion: fluxcd.controlplane.io/v1
                kind: ResourceSet
                metadata:
                  name: apps
                  namespace: %1$s
                  labels:
                    %2$s: %3$s
                spec:
                  serviceAccountName: flux
                  inputs:
                """.formatted(namespace, Engine.SHARD_LABEL, shard));
        for (int i = 0; i < n; i++) {
            out.append("    - app: \"app-%04d\"\n".formatted(i));
        }
        return out.append("""
                  resources:
                    - apiVersion: v1
                      kind: ConfigMap
                      metadata:
                        name: << inputs.app >>
                        namespace: %1$s
                      data:
                        app: << inputs.app >>
                    - apiVersion: v1
                      kind: ServiceAccount
                      metadata:
                        name: << inputs.app >>
                        namespace: %1$s
                """.formatted(namespace)).toString();
    }
}
