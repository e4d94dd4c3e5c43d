package io.fleetwarden.kube;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fleetwarden.api.v1alpha1.ArtifactPolicy;
import io.fleetwarden.api.v1alpha1.PolicyStatus;
import io.fleetwarden.api.v1alpha1.TenancyPolicy;
import io.fleetwarden.policy.PolicyCompiler;
import io.fleetwarden.tenancy.TenancyCompiler;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Writes each policy's status (leader only: one writer, no write races between replicas): a {@code Ready}
 * condition saying whether the current generation compiled, with every violation, and when it was loaded.
 * A status that already says the same is not written again, so a steady cluster sees no writes.
 */
public final class PolicyStatusWriter implements Runnable {

    private static final Logger LOG = Logger.getLogger(PolicyStatusWriter.class);

    private final KubernetesClient client;
    private final PolicyInformer policies;
    private final Clock clock;

    public PolicyStatusWriter(KubernetesClient client, PolicyInformer policies, Clock clock) {
        this.client = client;
        this.policies = policies;
        this.clock = clock;
    }

    @Override
    public void run() {
        for (ArtifactPolicy p : policies.artifactPolicies()) {
            var r = PolicyCompiler.compile(p.getMetadata().getName(), p.getSpec());
            write(p, r instanceof PolicyCompiler.Invalid i ? i.summary() : null);
        }
        for (TenancyPolicy p : policies.tenancyPolicies()) {
            var r = TenancyCompiler.compile(p.getMetadata().getName(), p.getSpec());
            write(p, r instanceof TenancyCompiler.Invalid i ? i.summary() : null);
        }
    }

    /** @param invalid the violations, or null when the policy compiled */
    private <T extends CustomResource<?, PolicyStatus>> void write(T policy, String invalid) {
        Long generation = policy.getMetadata().getGeneration();
        PolicyStatus current = policy.getStatus();
        String reason = invalid == null ? "Compiled" : "Invalid";
        String message = invalid == null ? "compiled and in force" : invalid;
        if (current != null && Objects.equals(current.observedGeneration, generation) && current.conditions != null
                && current.conditions.size() == 1 && reason.equals(current.conditions.get(0).getReason())
                && message.equals(current.conditions.get(0).getMessage())) {
            return;
        }
        String now = clock.instant().toString();
        PolicyStatus status = new PolicyStatus();
        status.observedGeneration = generation;
        status.loadedAt = now;
        Condition ready = new ConditionBuilder().withType("Ready").withStatus(invalid == null ? "True" : "False")
                .withReason(reason).withMessage(message).withObservedGeneration(generation).withLastTransitionTime(now)
                .build();
        status.conditions = List.of(ready);
        policy.setStatus(status);
        try {
            client.resource(policy).updateStatus();
        } catch (KubernetesClientException e) {
            // A conflict or a deleted policy: the next round sees the current object.
            LOG.debugf("status of %s %s not written (%d): retrying next round", policy.getKind(),
                    policy.getMetadata().getName(), e.getCode());
        }
    }
}
