package io.fleetwarden.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetwarden.testing.cluster.Components;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's service half as {@code bin/demo} runs it (packaged service, its own control plane, real kubectl):
 * every step ends as narrated, and the user sees the API server's refusals exactly as kubectl prints them.
 */
class DemoOnClusterIT {

    @Test
    void everyKubectlStepEndsAsNarrated(@TempDir Path dir) throws Exception {
        List<String> said = new ArrayList<>();

        int failed = ClusterDemo.run(Components.repositoryRoot().resolve("target/quarkus-app"), dir, said::add);

        String transcript = String.join("\n", said);
        assertThat(failed).as(transcript).isZero();
        assertThat(transcript)
                .contains("artifactpolicy.fleetwarden.io/fleet-apps-staging created")
                .contains("artifactpolicy.fleetwarden.io/fleet-apps-staging condition met")
                .contains("Error from server (PolicyDenied): error when creating \"" + dir.resolve("payments.yaml")
                        + "\": admission webhook \"ocirepository.fleetwarden.io\" denied the request: fleetwarden: ")
                .contains("SIGNATURE_PRESENT [artifact]", "WORKFLOW", "debug.yaml")
                .contains("ocirepository.source.toolkit.fluxcd.io/frontend created")
                .contains("error when applying patch")
                .contains("helmrepository.source.toolkit.fluxcd.io/fleet-charts created")
                .contains("admission webhook \"helmchart.fleetwarden.io\" denied the request: fleetwarden: HelmChart "
                        + "flux-system/payments (chart payments-chart version \"1.x\")")
                .contains("Error from server (TenancyViolation)", "admission webhook \"tenancy.fleetwarden.io\" denied the request: fleetwarden tenancy: "
                        + "[ref.cross-namespace]")
                .contains("kustomization.kustomize.toolkit.fluxcd.io/apps created")
                .containsPattern("(?m)^flux$");
    }
}
