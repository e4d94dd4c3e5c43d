package io.fleetwarden.kube;

import io.fleetwarden.status.ConditionTypes;

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
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * Writes each policy's status (leader only: one writer, no write races between replicas): a {@code Ready}
 * condition saying whether the current generation compiled, with every violation, and when it was loaded.
 * An ArtifactPolicy that compiled but has an authority whose trusted root cannot be used (a ConfigMap that is
 * missing or holds no valid root, a root name never loaded) is not Ready either: reason
 * {@value #TRUSTED_ROOT_UNAVAILABLE}, with what is wrong, since that authority accepts no signature. A status
 * that already says the same is not written again, so a steady cluster sees no writes. The condition's
 * {@code lastTransitionTime} changes only when its status does. Writes go to a copy, never to the informer's
 * cached object, and a failed write is retried a bounded number of times with backoff, then next round.
 */
public final class PolicyStatusWriter implements Runnable {

    /** The Ready reason of a policy that compiled but has an authority whose trusted root cannot be used. */
    public static final String TRUSTED_ROOT_UNAVAILABLE = "TrustedRootUnavailable";

    private static final Logger LOG = Logger.getLogger(PolicyStatusWriter.class);

    /** Attempts per write in one round: a failed write is retried with backoff (0.2 s, 0.4 s), then next round. */
    static final int MAX_ATTEMPTS = 3;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

    private final KubernetesClient client;
    private final PolicyInformer policies;
    private final Clock clock;
    private final Function<String, Optional<String>> rootProblems;
    private final Consumer<CustomResource<?, PolicyStatus>> statusUpdate;
    private final Predicate<Duration> backoff;

    /** @param rootProblems why the trusted root of that name cannot be used now; empty when it can */
    public PolicyStatusWriter(KubernetesClient client, PolicyInformer policies, Clock clock,
            Function<String, Optional<String>> rootProblems) {
        this(client, policies, clock, rootProblems, policy -> client.resource(policy).updateStatus(),
                PolicyStatusWriter::sleep);
    }

    /**
     * @param statusUpdate writes one policy's status (tests put a failing API server in front of it)
     * @param backoff      waits between attempts; false to give up
     */
    PolicyStatusWriter(KubernetesClient client, PolicyInformer policies, Clock clock,
            Function<String, Optional<String>> rootProblems, Consumer<CustomResource<?, PolicyStatus>> statusUpdate,
            Predicate<Duration> backoff) {
        this.client = client;
        this.policies = policies;
        this.clock = clock;
        this.rootProblems = rootProblems;
        this.statusUpdate = statusUpdate;
        this.backoff = backoff;
    }

    @Override
    public void run() {
        for (ArtifactPolicy p : policies.artifactPolicies()) {
            // Stored with a field fleetwarden does not know (only possible while the policy webhook was not called):
            // not in force, and the typed copy lacks the field, so it must not be compiled here.
            var unreadable = policies.unreadable("ArtifactPolicy", p.getMetadata().getName());
            if (unreadable.isPresent()) {
                write(p, "Invalid", "not in force: " + unreadable.get());
                continue;
            }
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
            var unreadable = policies.unreadable("TenancyPolicy", p.getMetadata().getName());
            if (s != null) {
                write(p, s.ready(), s.reason(), s.message());
            } else if (unreadable.isPresent()) {
                write(p, false, "Invalid", "not in force: " + unreadable.get());
            }
        }
    }

    private List<String> rootProblems(List<Authority> authorities) {
        return authorities.stream().flatMap(a -> rootProblems.apply(a.trustedRoot()).map(p -> "authority " + a.name()
                + ": " + p).stream()).toList();
    }

    /** @param problem what is wrong, or null when the policy compiled and can be satisfied */
    private <T extends CustomResource<?, PolicyStatus>> void write(T cached, String reason, String problem) {
        write(cached, problem == null, reason, problem == null ? "compiled and in force" : problem);
    }

    private <T extends CustomResource<?, PolicyStatus>> void write(T cached, boolean isReady, String reason,
            String message) {
        Long generation = cached.getMetadata().getGeneration();
        PolicyStatus current = cached.getStatus();
        String readyStatus = isReady ? io.fleetwarden.status.Condition.TRUE : io.fleetwarden.status.Condition.FALSE;
        Condition previous = current == null || current.conditions == null ? null : current.conditions.stream()
                .filter(c -> ConditionTypes.READY.equals(c.getType())).findFirst().orElse(null);
        if (current != null && Objects.equals(current.observedGeneration, generation) && current.conditions != null
                && current.conditions.size() == 1 && previous != null && reason.equals(previous.getReason())
                && message.equals(previous.getMessage()) && readyStatus.equals(previous.getStatus())) {
            return;
        }
        String now = clock.instant().toString();
        PolicyStatus status = new PolicyStatus();
        status.observedGeneration = generation;
        status.loadedAt = now;
        // As Kubernetes conditions mean it: the time the status last changed, not the time it was last written.
        String transitioned = previous != null && readyStatus.equals(previous.getStatus())
                && previous.getLastTransitionTime() != null ? previous.getLastTransitionTime() : now;
        Condition ready = new ConditionBuilder().withType(ConditionTypes.READY).withStatus(readyStatus)
                .withReason(reason).withMessage(message).withObservedGeneration(generation)
                .withLastTransitionTime(transitioned).build();
        status.conditions = List.of(ready);
        // The informer's cached object is shared with every reader, and a status set on it before the write
        // succeeds would make the next round believe the write was done: write a copy.
        T copy = client.getKubernetesSerialization().clone(cached);
        copy.setStatus(status);
        String what = cached.getKind() + " " + cached.getMetadata().getName();
        for (int attempt = 1;; attempt++) {
            try {
                statusUpdate.accept(copy);
                return;
            } catch (KubernetesClientException e) {
                // 409: the policy changed meanwhile, 404: it is gone; the next round sees the current object.
                boolean transientFailure = e.getCode() != 409 && e.getCode() != 404
                        && (e.getCode() <= 0 || e.getCode() == 429 || e.getCode() >= 500);
                if (e.getCode() == 403) {
                    // Not transient and not ours to retry: the service account lacks the RBAC rule, and an operator
                    // must hear of it (policies would otherwise show no status at all, silently).
                    LOG.warnf("status of %s not written: forbidden (the ClusterRole fleetwarden must allow update on "
                            + "%s/status): %s", what, cached.getPlural(), e.getStatus() == null ? e.getMessage()
                            : e.getStatus().getMessage());
                    return;
                }
                if (!transientFailure || attempt >= MAX_ATTEMPTS) {
                    LOG.debugf("status of %s not written (%d) after %d attempt(s): retrying next round", what,
                            e.getCode(), attempt);
                    return;
                }
                Duration wait = FIRST_BACKOFF.multipliedBy(1L << (attempt - 1));
                LOG.debugf("status of %s not written (%d): attempt %d again in %s", what, e.getCode(), attempt + 1,
                        wait);
                if (!backoff.test(wait)) {
                    return;
                }
            }
        }
    }

    /** Sleeps for the backoff; false when interrupted (the duty is being stopped). */
    private static boolean sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
