package io.fleetwarden.demo;

import io.fleetwarden.oci.Digest;
import io.fleetwarden.testing.SignedArtifacts;
import io.fleetwarden.testing.sigstore.Identity;
import io.fleetwarden.testing.sigstore.SigningRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small D2-style fleet of our own, published to the local registry and signed by the local Sigstore:
 * the {@code acme/fleet-apps} components as GitHub Actions would sign them, plus the ways it goes wrong.
 */
final class DemoFleet {

    static final String PUSH = "push-artifact.yaml";

    final String frontend;
    final String backend;
    final String payments;
    final String legacy;
    final Path policy;
    final Path trustedRoot;
    private final SignedArtifacts artifacts;

    DemoFleet(SignedArtifacts artifacts, Path dir) throws IOException {
        this.artifacts = artifacts;
        String host = artifacts.host();
        // frontend: signed by the staging workflow on main, cosign v3 style (bundle referrer).
        frontend = publish("frontend", "latest");
        artifacts.signBundle("acme/fleet-apps/frontend", digest("frontend"), apps(PUSH, "refs/heads/main"));
        // legacy: signed the cosign v2 way (sha256-<hex>.sig tag).
        legacy = publish("monitoring", "latest");
        artifacts.signLegacy("acme/fleet-apps/monitoring", digest("monitoring"), apps(PUSH, "refs/heads/main"));
        // backend: signed, but by a workflow the policy does not trust.
        backend = publish("backend", "latest");
        artifacts.signBundle("acme/fleet-apps/backend", digest("backend"), apps("debug.yaml", "refs/heads/main"));
        // payments: never signed.
        payments = publish("payments", "latest");
        // payments-chart: a Helm chart pushed as helm push does, never signed.
        artifacts.publishChart("acme/fleet-apps", "payments-chart", "1.0.0");
        trustedRoot = Files.write(dir.resolve("trusted_root.json"), artifacts.sigstore().trustedRootJson());
        policy = Files.writeString(dir.resolve("fleet-apps-staging.yaml"), """
                apiVersion: fleetwarden.io/v1alpha1
                kind: ArtifactPolicy
                metadata:
                  name: fleet-apps-staging
                spec:
                  sources: ["oci://%s/acme/fleet-apps/*"]
                  authorities:
                    - name: push-artifact.yaml on main
                      trustedRoot: local
                      keyless:
                        issuer: https://token.actions.githubusercontent.com
                        subjectRegExp: ^https://github\\.com/acme/fleet-apps/\\.github/workflows/push-artifact\\.yaml@refs/heads/main$
                        github:
                          repository: acme/fleet-apps
                          workflow: .github/workflows/push-artifact.yaml
                          refs: [refs/heads/main]
                          buildTriggers: [push]
                """.formatted(host));
    }

    private final java.util.Map<String, Digest> digests = new java.util.HashMap<>();

    private String publish(String component, String tag) {
        digests.put(component, artifacts.publish("acme/fleet-apps/" + component, tag));
        return "oci://" + artifacts.host() + "/acme/fleet-apps/" + component + ":" + tag;
    }

    /** The OCI HelmRepository URL the charts are under. */
    String chartsUrl() {
        return "oci://" + artifacts.host() + "/acme/fleet-apps";
    }

    /** frontend's reference with its tag as published (latest). */
    String frontendLatest() {
        return frontend;
    }

    Digest digest(String component) {
        return digests.get(component);
    }

    /** Moves frontend's {@code latest} to a new, unsigned build. */
    void pushUnsignedFrontend() {
        digests.put("frontend", artifacts.publish("acme/fleet-apps/frontend", "latest"));
    }

    static SigningRequest apps(String workflow, String ref) {
        return SigningRequest.keyless(Identity.github().repository("acme/fleet-apps").workflowFile(workflow).ref(ref)
                .build()).build();
    }
}
