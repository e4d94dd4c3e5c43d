package io.fleetwarden.admission;

import io.fleetwarden.kube.NamespaceLabelCache;
import io.fleetwarden.kube.PolicyInformer;
import io.fleetwarden.verify.cosign.CosignSignatureVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * A replica is ready only when it can decide: its policy and namespace informers have listed what exists
 * and the trusted roots are loaded (injecting the verifier loads them; a bad root fails here, not in a
 * review). Before that the Service sends it no admission traffic.
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

    @Override
    public HealthCheckResponse call() {
        boolean policiesLoaded = policies.synced();
        boolean namespacesLoaded = namespaces.synced();
        return HealthCheckResponse.named("fleetwarden-gate").status(policiesLoaded && namespacesLoaded && signatures != null)
                .withData("policiesLoaded", policiesLoaded).withData("policyGeneration", policies.get().generation())
                .withData("artifactPolicies", policies.get().policies().size())
                .withData("policyProblems", policies.get().problems().size())
                .withData("namespacesLoaded", namespacesLoaded).build();
    }
}
