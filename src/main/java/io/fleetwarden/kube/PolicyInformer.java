package io.fleetwarden.kube;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.api.v1alpha1.ArtifactPolicy;
import io.fleetwarden.api.v1alpha1.TenancyPolicy;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.policy.PolicyDocuments;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Keeps the policy snapshot current from the cluster. It runs in <b>every</b> replica (not only on the
 * leader): each replica serves admission, and a replica deciding with stale policies would let through what
 * another denies. On every change of any {@code ArtifactPolicy} or {@code TenancyPolicy} the whole set is
 * compiled again (policies are few; recompiling all keeps the snapshot consistent) and swapped in atomically.
 */
public final class PolicyInformer implements Supplier<PolicySnapshot>, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PolicyInformer.class);

    private final KubernetesClient client;
    private final Uncovered uncovered;
    private final AtomicReference<PolicySnapshot> current;
    private final AtomicLong generation = new AtomicLong();
    private final Object swap = new Object();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private SharedIndexInformer<ArtifactPolicy> artifactPolicies;
    private SharedIndexInformer<TenancyPolicy> tenancyPolicies;

    public PolicyInformer(KubernetesClient client, Uncovered uncovered) {
        this.client = client;
        this.uncovered = uncovered;
        this.current = new AtomicReference<>(PolicySnapshot.empty(uncovered));
    }

    /**
     * Starts both informers without waiting: an API server that is slow or down at start must not crash the
     * pod; readiness stays false (no admission traffic) until both have synced, and they keep retrying.
     */
    public void start() {
        artifactPolicies = InformerRetries.retrying(client.resources(ArtifactPolicy.class).runnableInformer(0),
                "artifactpolicies");
        artifactPolicies.addEventHandler(new Recompile<>());
        tenancyPolicies = InformerRetries.retrying(client.resources(TenancyPolicy.class).runnableInformer(0),
                "tenancypolicies");
        tenancyPolicies.addEventHandler(new Recompile<>());
        artifactPolicies.start();
        tenancyPolicies.start();
    }

    /** Ready once both informers have listed what exists: before that, decisions would use no policies. */
    public boolean synced() {
        return artifactPolicies != null && artifactPolicies.hasSynced() && tenancyPolicies != null
                && tenancyPolicies.hasSynced();
    }

    /** The ArtifactPolicy objects as the informer has them now. */
    public List<ArtifactPolicy> artifactPolicies() {
        return artifactPolicies == null ? List.of() : artifactPolicies.getStore().list();
    }

    public List<TenancyPolicy> tenancyPolicies() {
        return tenancyPolicies == null ? List.of() : tenancyPolicies.getStore().list();
    }

    @Override
    public PolicySnapshot get() {
        return current.get();
    }

    /**
     * Runs {@code listener} after every recompilation, on the informer's thread and outside any lock of this
     * class (a listener may call {@link #invalidate()}).
     */
    public void onRecompiled(Runnable listener) {
        listeners.add(listener);
    }

    /**
     * Starts a new generation of the same policies, so that no decision cached under the current one is
     * reused: for changes the policies depend on but are not part of them (a trusted root reloaded).
     */
    public void invalidate() {
        synchronized (swap) {
            PolicySnapshot next = current.get().withGeneration(generation.incrementAndGet());
            current.set(next);
            LOG.infof("policies generation=%d: a trusted root changed, cached decisions are not reused", next.generation());
        }
    }

    void recompile() {
        synchronized (this) {
            compileAndSwap();
        }
        listeners.forEach(Runnable::run);
    }

    private void compileAndSwap() {
        List<PolicyDocuments.Parsed> docs = new ArrayList<>();
        if (artifactPolicies != null) {
            artifactPolicies.getStore().list().forEach(p -> docs.add(new PolicyDocuments.Document(
                    "ArtifactPolicy " + p.getMetadata().getName(), p)));
        }
        if (tenancyPolicies != null) {
            tenancyPolicies.getStore().list().forEach(p -> docs.add(new PolicyDocuments.TenancyDocument(
                    "TenancyPolicy " + p.getMetadata().getName(), p)));
        }
        PolicySnapshot next;
        synchronized (swap) {
            // The TenancyPolicy in force so far is passed on: an update that does not compile keeps it in force.
            next = PolicySnapshot.compile(generation.incrementAndGet(), docs, uncovered,
                    current.get().tenancySelection().inForce());
            current.set(next);
        }
        LOG.infof("policies loaded generation=%d artifactPolicies=%d tenancyPolicy=%s problems=%d", next.generation(),
                next.policies().size(), next.tenancy().name(), next.problems().size());
        next.problems().forEach(p -> LOG.warnf("policy skipped: %s", p));
    }

    @Override
    public void close() {
        if (artifactPolicies != null) {
            artifactPolicies.close();
        }
        if (tenancyPolicies != null) {
            tenancyPolicies.close();
        }
    }

    static boolean sameSpec(Object oldObj, Object newObj) {
        if (oldObj instanceof CustomResource<?, ?> a && newObj instanceof CustomResource<?, ?> b) {
            return Serialization.asJson(a.getSpec()).equals(Serialization.asJson(b.getSpec()));
        }
        return false;
    }

    private final class Recompile<T> implements ResourceEventHandler<T> {
        @Override
        public void onAdd(T obj) {
            recompile();
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            // A policy's status is written by the leader (and a resync redelivers objects unchanged): recompiling
            // then would start a new generation and throw away every cached decision for nothing. The compiled
            // form depends on the spec alone (and the name, which cannot change).
            if (!sameSpec(oldObj, newObj)) {
                recompile();
            }
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            recompile();
        }
    }
}
