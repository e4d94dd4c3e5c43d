package io.fleetwarden.admission;

import io.fleetwarden.kube.NamespaceLabelCache;
import io.fleetwarden.kube.PolicyInformer;
import io.fleetwarden.kube.TrustedRootSources;
import io.fleetwarden.verify.cosign.CosignSignatureVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * A replica is ready only when it can decide: its policy and namespace informers have listed what exists
 * and the trusted roots are loaded (injecting the verifier loads those from files, and a bad one fails here,
 * not in a review; the roots from ConfigMaps and Secrets once their informers have listed them). Before that
 * the Service sends it no admission traffic.
 */
@Readiness
@ApplicationScoped
public class GateReadiness implements HealthCheck {

    @Inject
    PolicyInformer policies;

    @Inject
    NamespaceLabelCache namespaces;

    @Inject
    CosignSignatureVerifier signatures;

    @Inject
    TrustedRootSources trustedRoots;

    @Override
    public HealthCheckResponse call() {
        boolean policiesLoaded = policies.synced();
        boolean namespacesLoaded = namespaces.synced();
        boolean trustedRootsLoaded = trustedRoots.loaded();
        return HealthCheckResponse.named("fleetwarden-gate")
                .status(policiesLoaded && namespacesLoaded && trustedRootsLoaded && signatures != null)
                .withData("policiesLoaded", policiesLoaded).withData("policyGeneration", policies.get().generation())
                .withData("artifactPolicies", policies.get().policies().size())
                .withData("tenancyPolicy", policies.get().tenancy().name())
                .withData("policyProblems", policies.get().problems().size())
                .withData("namespacesLoaded", namespacesLoaded).withData("trustedRootsLoaded", trustedRootsLoaded)
                .build();
    }
}
