package io.fleetwarden.demo;

import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.TestRegistry;
import io.fleetwarden.testing.cluster.Components;
import io.fleetwarden.testing.cluster.ControlPlane;
import io.fleetwarden.testing.cluster.CustomResourceDefinitions;
import io.fleetwarden.testing.cluster.Kubectl;
import io.fleetwarden.testing.cluster.LocalCluster;
import io.fleetwarden.testing.sigstore.LocalSigstore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The service half of the demo, on a real Kubernetes control plane: fleetwarden installed from deploy/ (its
 * RBAC, its webhooks registered with our caBundle), the packaged service running with its service account's
 * token, and every step a real {@code kubectl} command whose output is shown exactly as kubectl prints it.
 */
final class ClusterDemo {

    private static final String TENANT = "frontend";

    record Step(String narration, List<String> kubectl, int expectedExit) {
    }

    private ClusterDemo() {
    }

    /** Runs the scenario on a control plane of its own; returns how many steps did not end as narrated. */
    static int run(Path app, Path dir, Consumer<String> say) throws Exception {
        long start = System.nanoTime();
        say.accept("\n== the service: a real Kubernetes " + "control plane (etcd, kube-apiserver, kube-controller-manager) "
                + "on loopback, fleetwarden installed from deploy/ and running as its service account");
        try (ControlPlane plane = ControlPlane.start(Components.locate(), dir.resolve("control-plane"));
                TestRegistry registry = TestRegistry.start(null);
                SignedArtifacts artifacts = new SignedArtifacts(registry, LocalSigstore.create())) {
            CustomResourceDefinitions.installAll(plane);
            CustomResourceDefinitions.installFluxKinds(plane, "source-controller.yaml", java.util.Set.of("HelmRepository",
                    "HelmChart"));
            DemoFleet fleet = new DemoFleet(artifacts, dir);
            try (LocalCluster cluster = LocalCluster.install(plane, app, dir.resolve("fleetwarden"),
                    Map.of("fleetwarden.gate.trusted-roots.local", fleet.trustedRoot.toString()))) {
                Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), plane.adminKubeconfig());
                Kubectl kubectl = new Kubectl(Components.locate().kubectl(), kubeconfig);
                say.accept("== ready after " + (System.nanoTime() - start) / 1_000_000 + " ms: API server " + plane.url()
                        + ", registry " + registry.host() + ", webhook https://127.0.0.1:" + cluster.service().port() + "\n");
                int failed = 0;
                for (Step step : steps(fleet, dir)) {
                    if (step.narration().startsWith("(")) {
                        fleet.pushUnsignedFrontend();
                    }
                    failed += play(kubectl, say, step);
                }
                return failed;
            }
        }
    }

    static List<Step> steps(DemoFleet fleet, Path dir) throws IOException {
        Path tenancy = Components.repositoryRoot().resolve("policies/tenancy/d2-tenancy.yaml");
        Path payments = write(dir, "payments.yaml", WebhookYaml.ociRepository("payments", fleet.payments, "5m"));
        Path backend = write(dir, "backend.yaml", WebhookYaml.ociRepository("backend", fleet.backend, "5m"));
        Path frontend = write(dir, "frontend.yaml", WebhookYaml.ociRepository("frontend", fleet.frontendLatest(), "5m"));
        Path frontendChanged = write(dir, "frontend-1m.yaml", WebhookYaml.ociRepository("frontend", fleet.frontendLatest(), "1m"));
        Path chart = write(dir, "payments-chart.yaml", WebhookYaml.helmChart("payments", fleet.chartsUrl(),
                "payments-chart", "1.x"));
        Path onboarding = write(dir, "tenant-frontend.yaml", WebhookYaml.tenantOnboarding(TENANT));
        Path steal = write(dir, "steal.yaml", WebhookYaml.kustomization(TENANT, "steal", "flux-system"));
        Path apps = write(dir, "apps.yaml", WebhookYaml.kustomization(TENANT, "apps", null));
        String asTenant = "--as=system:serviceaccount:" + TENANT + ":flux";
        List<Step> steps = new ArrayList<>();
        steps.add(new Step("the platform's policies, applied as GitOps would apply them", List.of("apply", "-f",
                fleet.policy.toString(), "-f", tenancy.toString()), 0));
        steps.add(new Step("fleetwarden has compiled them (its leader writes their status)", List.of("wait",
                "--for=condition=Ready", "--timeout=30s", "artifactpolicy/fleet-apps-staging", "tenancypolicy/d2-tenancy"), 0));
        steps.add(new Step("payments (never signed): rejected", List.of("apply", "-f", payments.toString()), 1));
        steps.add(new Step("backend (signed by debug.yaml, a workflow the policy does not trust): rejected with the reason",
                List.of("apply", "-f", backend.toString()), 1));
        steps.add(new Step("frontend (signed by push-artifact.yaml on main): admitted", List.of("apply", "-f",
                frontend.toString()), 0));
        steps.add(new Step("(frontend's latest tag now points at an unsigned build) an update of frontend: rejected",
                List.of("apply", "-f", frontendChanged.toString()), 1));
        steps.add(new Step("the payments Helm chart (never signed) from an OCI HelmRepository, any 1.x version: the "
                + "repository is admitted, the chart rejected",
                List.of("apply", "-f", chart.toString()), 1));
        steps.add(new Step("a tenant is onboarded: namespace frontend, its service account flux and its role",
                List.of("apply", "-f", onboarding.toString()), 0));
        steps.add(new Step("the tenant points a Kustomization at flux-system's source: rejected", List.of("apply",
                asTenant, "-f", steal.toString()), 1));
        steps.add(new Step("the tenant applies a Kustomization without a service account: admitted", List.of("apply",
                asTenant, "-f", apps.toString()), 0));
        steps.add(new Step("... and the API server has set the tenant's default service account (mutating webhook)",
                List.of("get", "kustomization", "-n", TENANT, "apps", "-o", "jsonpath={.spec.serviceAccountName}{\"\\n\"}"), 0));
        return steps;
    }

    private static int play(Kubectl kubectl, Consumer<String> say, Step step) {
        say.accept("# " + step.narration());
        say.accept("$ kubectl " + String.join(" ", step.kubectl()));
        Kubectl.Result r = kubectl.run(step.kubectl());
        say.accept(r.output().stripTrailing());
        boolean ok = r.exit() == step.expectedExit();
        say.accept(ok ? "" : "  -> exit " + r.exit() + ", expected " + step.expectedExit() + "\n");
        return ok ? 0 : 1;
    }

    private static Path write(Path dir, String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }
}
