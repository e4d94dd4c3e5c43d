package io.fleetwarden.kube;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fleetwarden.api.v1alpha1.ArtifactPolicy;
import io.fleetwarden.api.v1alpha1.PolicyStatus;
import io.fleetwarden.api.v1alpha1.TenancyPolicy;
import io.fleetwarden.policy.Authority;
import io.fleetwarden.policy.PolicyCompiler;
import io.fleetwarden.tenancy.TenancySelection;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Writes each policy's status (leader only: one writer, no write races between replicas): a {@code Ready}
 * condition saying whether the current generation compiled, with every violation, and when it was loaded.
 * An ArtifactPolicy that compiled but has an authority whose trusted root cannot be used (a ConfigMap that is
 * missing or holds no valid root, a root name never loaded) is not Ready either: reason
 * {@value #TRUSTED_ROOT_UNAVAILABLE}, with what is wrong, since that authority accepts no signature. A status
 * that already says the same is not written again, so a steady cluster sees no writes.
 */
public final class PolicyStatusWriter implements Runnable {

    /** The Ready reason of a policy that compiled but has an authority whose trusted root cannot be used. */
    public static final String TRUSTED_ROOT_UNAVAILABLE = "TrustedRootUnavailable";

    private static final Logger LOG = Logger.getLogger(PolicyStatusWriter.class);

    private final KubernetesClient client;
    private final PolicyInformer policies;
    private final Clock clock;
    private final Function<String, Optional<String>> rootProblems;

    /** @param rootProblems why the trusted root of that name cannot be used now; empty when it can */
    public PolicyStatusWriter(KubernetesClient client, PolicyInformer policies, Clock clock,
            Function<String, Optional<String>> rootProblems) {
        this.client = client;
        this.policies = policies;
        this.clock = clock;
        this.rootProblems = rootProblems;
    }

    @Override
    public void run() {
        for (ArtifactPolicy p : policies.artifactPolicies()) {
            var r = PolicyCompiler.compile(p.getMetadata().getName(), p.getSpec());
            if (r instanceof PolicyCompiler.Invalid i) {
                write(p, "Invalid", i.summary());
            } else {
                List<String> roots = rootProblems(((PolicyCompiler.Compiled) r).policy().authorities());
                write(p, roots.isEmpty() ? "Compiled" : TRUSTED_ROOT_UNAVAILABLE, roots.isEmpty() ? null
                        : "compiled and in force, but these authorities accept no signature: " + String.join("; ", roots));
            }
        }
        // Which TenancyPolicy is in force (last good generation, conflicts) was decided when the snapshot was built.
        var statuses = policies.get().tenancySelection().statuses();
        for (TenancyPolicy p : policies.tenancyPolicies()) {
            TenancySelection.Status s = statuses.get(p.getMetadata().getName());
            if (s != null) {
                write(p, s.ready(), s.reason(), s.message());
            }
        }
    }

    private List<String> rootProblems(List<Authority> authorities) {
        return authorities.stream().flatMap(a -> rootProblems.apply(a.trustedRoot()).map(p -> "authority " + a.name()
                + ": " + p).stream()).toList();
    }

    /** @param problem what is wrong, or null when the policy compiled and can be satisfied */
    private <T extends CustomResource<?, PolicyStatus>> void write(T policy, String reason, String problem) {
        write(policy, problem == null, reason, problem == null ? "compiled and in force" : problem);
    }

    private <T extends CustomResource<?, PolicyStatus>> void write(T policy, boolean isReady, String reason,
            String message) {
        Long generation = policy.getMetadata().getGeneration();
        PolicyStatus current = policy.getStatus();
        if (current != null && Objects.equals(current.observedGeneration, generation) && current.conditions != null
                && current.conditions.size() == 1 && reason.equals(current.conditions.get(0).getReason())
                && message.equals(current.conditions.get(0).getMessage())) {
            return;
        }
        String now = clock.instant().toString();
        PolicyStatus status = new PolicyStatus();
        status.observedGeneration = generation;
        status.loadedAt = now;
        Condition ready = new ConditionBuilder().withType("Ready").withStatus(isReady ? "True" : "False")
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
