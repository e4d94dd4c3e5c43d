package io.fleetwarden.kube;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fleetwarden.api.v1alpha1.ArtifactPolicy;
import io.fleetwarden.api.v1alpha1.TenancyPolicy;
import io.fleetwarden.platform.PolicySnapshot;
import io.fleetwarden.platform.Uncovered;
import io.fleetwarden.policy.FieldViolation;
import io.fleetwarden.policy.PolicyDocuments;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 *
 * <p>Policies are watched as they are stored and read as strictly as the policy webhook and the CLI read them: a
 * field fleetwarden does not know (the CRDs keep unknown fields, for the webhook to refuse) makes the policy
 * unreadable, so it is left out and its status says why, never read without the field. Such a policy can only be
 * stored while the policy webhook is not called (its configuration deleted to break glass); read leniently, a
 * misspelt optional restriction would be silently dropped, leaving the policy wider than written.
 */
public final class PolicyInformer implements Supplier<PolicySnapshot>, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PolicyInformer.class);

    private final KubernetesClient client;
    private final Uncovered uncovered;
    private final AtomicReference<PolicySnapshot> current;
    private final AtomicLong generation = new AtomicLong();
    private final Object swap = new Object();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private SharedIndexInformer<GenericKubernetesResource> artifactPolicies;
    private SharedIndexInformer<GenericKubernetesResource> tenancyPolicies;
    /** Why a stored policy could not be read, by "Kind name"; replaced with every recompilation. */
    private volatile Map<String, String> unreadable = Map.of();

    static final ResourceDefinitionContext ARTIFACT_POLICIES = new ResourceDefinitionContext.Builder()
            .withGroup("fleetwarden.io").withVersion("v1alpha1").withKind("ArtifactPolicy").withPlural("artifactpolicies")
            .withNamespaced(false).build();
    static final ResourceDefinitionContext TENANCY_POLICIES = new ResourceDefinitionContext.Builder()
            .withGroup("fleetwarden.io").withVersion("v1alpha1").withKind("TenancyPolicy").withPlural("tenancypolicies")
            .withNamespaced(false).build();
    /** The typed view for status and names only: never compiled (an unknown field is ignored here). */
    private static final ObjectMapper LENIENT = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

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
        artifactPolicies = InformerRetries.retrying(client.genericKubernetesResources(ARTIFACT_POLICIES)
                .runnableInformer(0), "artifactpolicies");
        artifactPolicies.addEventHandler(new Recompile<>());
        tenancyPolicies = InformerRetries.retrying(client.genericKubernetesResources(TENANCY_POLICIES)
                .runnableInformer(0), "tenancypolicies");
        tenancyPolicies.addEventHandler(new Recompile<>());
        artifactPolicies.start();
        tenancyPolicies.start();
    }

    /** Ready once both informers have listed what exists: before that, decisions would use no policies. */
    public boolean synced() {
        return artifactPolicies != null && artifactPolicies.hasSynced() && tenancyPolicies != null
                && tenancyPolicies.hasSynced();
    }

    /**
     * The ArtifactPolicy objects as the informer has them now, as copies, for their names and status; fields the
     * types lack are not in them, so compile a policy only when {@link #unreadable} has nothing to say about it.
     */
    public List<ArtifactPolicy> artifactPolicies() {
        return typed(artifactPolicies, ArtifactPolicy.class);
    }

    public List<TenancyPolicy> tenancyPolicies() {
        return typed(tenancyPolicies, TenancyPolicy.class);
    }

    /** Why the stored policy of this kind and name could not be read (an unknown field, ...), as of the last load. */
    public Optional<String> unreadable(String kind, String name) {
        return Optional.ofNullable(unreadable.get(kind + " " + name));
    }

    private static <T> List<T> typed(SharedIndexInformer<GenericKubernetesResource> informer, Class<T> type) {
        return informer == null ? List.of() : informer.getStore().list().stream()
                .map(o -> LENIENT.convertValue(o, type)).toList();
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
        Map<String, String> unreadableNow = new HashMap<>();
        for (var informer : Arrays.asList(artifactPolicies, tenancyPolicies)) {
            if (informer == null) {
                continue;
            }
            for (GenericKubernetesResource o : informer.getStore().list()) {
                String source = o.getKind() + " " + o.getMetadata().getName();
                // The object as stored, read as strictly as a policy file: unknown fields are errors.
                for (PolicyDocuments.Parsed parsed : PolicyDocuments.parse(source, Serialization.asJson(o))) {
                    docs.add(parsed);
                    if (parsed instanceof PolicyDocuments.Unreadable u) {
                        unreadableNow.put(source, u.message());
                    }
                    // Fields the policy types do not know (or of the wrong type) are read as problems, every one of
                    // them: such a policy never compiles, and its status names them all.
                    List<FieldViolation> read = parsed instanceof PolicyDocuments.Document d ? d.readViolations()
                            : parsed instanceof PolicyDocuments.TenancyDocument t ? t.readViolations() : List.of();
                    if (!read.isEmpty()) {
                        unreadableNow.put(source, String.join("; ", read.stream().map(FieldViolation::toString).toList()));
                    }
                }
            }
        }
        unreadable = Map.copyOf(unreadableNow);
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
        if (oldObj instanceof GenericKubernetesResource a && newObj instanceof GenericKubernetesResource b) {
            return Objects.equals(a.getAdditionalProperties().get("spec"), b.getAdditionalProperties().get("spec"));
        }
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
