package io.fleetwarden.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Server-side apply of a Kustomization's objects as its tenant, in Flux's stages, writing only what changed.
 *
 * <p>Stages as Flux's {@code ApplyAllStaged}: (1) CustomResourceDefinitions, Namespaces and ClusterRoles, then a
 * wait until those CRDs are Established and those Namespaces Active; (2) kinds whose name ends in {@code Class};
 * (3) everything else. Inside a stage objects go in {@link FluxOrder}. A stage with a failure stops the later
 * ones (their objects are {@link ApplyResult#notAttempted()}), because they may need what failed.
 *
 * <p>Per object: one GET; if the live object already holds every field we set ({@link LiveComparison}) nothing
 * is written, so a pass over an unchanged fleet costs one read per object and a hand edit of a field we set
 * still shows as a difference and is applied back. Otherwise one server-side apply (force, our field manager)
 * whose answer is the live object. Flux instead sends a dry-run apply per object every pass (two requests); we
 * trade the dry-run for a local comparison, which costs an extra apply only where the API server rewrites a
 * field we set in a way {@link LiveComparison} does not model.
 *
 * <p>Inside a stage, up to {@link #CONCURRENCY} objects are applied at a time, as kustomize-controller works
 * through a stage ({@code --concurrent-ssa}, default 4): each object's requests stay in order, the objects of a stage do not depend on
 * each other (that is what the stages are for), and an apply then waits for about a quarter of its round trips.
 * The results keep the stage's order. Each request is bounded by the client's request timeout and none starts
 * after {@code deadline}.
 */
public final class Applier {

    /** Objects of one stage applied at a time, by one apply: kustomize-controller's default. */
    static final int CONCURRENCY = 4;

    /**
     * Threads that help the calling thread through a stage; created when needed and ended when idle, so that
     * their number follows the applies in progress (at most {@code CONCURRENCY - 1} per apply).
     */
    private static final java.util.concurrent.ExecutorService HELPERS = new java.util.concurrent.ThreadPoolExecutor(
            0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "apply-helper");
                t.setDaemon(true);
                return t;
            });

    private final KubernetesClient service;
    private final ResourceMapping mapping;

    public Applier(KubernetesClient serviceClient) {
        this(serviceClient, new ResourceMapping(serviceClient));
    }

    public Applier(KubernetesClient serviceClient, ResourceMapping mapping) {
        this.service = Objects.requireNonNull(serviceClient, "serviceClient");
        this.mapping = Objects.requireNonNull(mapping, "mapping");
    }

    public ApplyResult apply(List<ObjectNode> objects, Impersonation as, ApplyOptions options, Instant deadline) {
        KubernetesClient client = TenantClients.as(service, as);
        List<ApplyResult.Applied> applied = new ArrayList<>();
        List<ApplyResult.Failure> failures = new ArrayList<>();
        List<ObjectRef> notAttempted = new ArrayList<>();
        List<Stages.Stage> stages;
        try {
            stages = Stages.of(objects);
        } catch (IllegalArgumentException e) {
            // An object without identity cannot be applied, pruned or listed: apply nothing.
            return new ApplyResult(List.of(), List.of(new ApplyResult.Failure(null, e.getMessage())), List.of());
        }
        for (Stages.Stage stage : stages) {
            if (!failures.isEmpty()) {
                stage.objects().forEach(d -> notAttempted.add(d.ref()));
                continue;
            }
            List<ApplyResult.Applied> done = new ArrayList<>();
            for (Outcome outcome : applyStage(client, as, stage.objects(), options, deadline)) {
                if (outcome instanceof Outcome.Done ok) {
                    done.add(ok.applied());
                } else if (outcome instanceof Outcome.Failed failed) {
                    failures.add(failed.failure());
                }
            }
            applied.addAll(done);
            if (failures.isEmpty() && stage.waitsForDefinitions()) {
                failures.addAll(new DefinitionWait(service, mapping).awaitReady(done, deadline));
            }
        }
        return new ApplyResult(applied, failures, notAttempted);
    }

    /**
     * The stage's objects, up to {@link #CONCURRENCY} at a time: the calling thread and helpers take the next object
     * in order until none is left. The outcomes are in the stage's order.
     */
    private List<Outcome> applyStage(KubernetesClient client, Impersonation as, List<Stages.Desired> objects,
            ApplyOptions options, Instant deadline) {
        Outcome[] outcomes = new Outcome[objects.size()];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<RuntimeException> unexpected =
                new java.util.concurrent.atomic.AtomicReference<>();
        Runnable work = () -> {
            for (int i = next.getAndIncrement(); i < outcomes.length && unexpected.get() == null;
                    i = next.getAndIncrement()) {
                try {
                    outcomes[i] = applyOne(client, as, objects.get(i), options, deadline);
                } catch (RuntimeException e) {
                    // As when applied one by one: the reconcile ends with it (after the other objects in flight).
                    unexpected.compareAndSet(null, e);
                }
            }
        };
        List<java.util.concurrent.Future<?>> helpers = new ArrayList<>();
        for (int h = 1; h < Math.min(CONCURRENCY, objects.size()); h++) {
            helpers.add(HELPERS.submit(work));
        }
        work.run();
        for (java.util.concurrent.Future<?> helper : helpers) {
            try {
                // Not interruptible on purpose: a helper's request is bounded by the request timeout, and its outcome
                // must be known before the stage is judged (an object applied but not listed would escape pruning).
                getUninterruptibly(helper);
            } catch (java.util.concurrent.ExecutionException e) {
                unexpected.compareAndSet(null, new IllegalStateException("apply helper failed", e.getCause()));
            }
        }
        if (unexpected.get() != null) {
            throw unexpected.get();
        }
        return java.util.Arrays.asList(outcomes);
    }

    private static void getUninterruptibly(java.util.concurrent.Future<?> f)
            throws java.util.concurrent.ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What happened to one object. */
    private sealed interface Outcome {
        record Done(ApplyResult.Applied applied) implements Outcome {
        }

        record Failed(ApplyResult.Failure failure) implements Outcome {
        }
    }

    private Outcome applyOne(KubernetesClient client, Impersonation as, Stages.Desired desired, ApplyOptions options,
            Instant deadline) {
        ObjectRef ref = desired.ref();
        if (!Instant.now().isBefore(deadline)) {
            return failed(ref, ref + ": not applied, the reconcile deadline passed");
        }
        ResourceMapping.Resource resource;
        try {
            resource = mapping.lookup(ref);
        } catch (ResourceMapping.UnknownKind e) {
            return failed(ref, ref + ": " + e.getMessage());
        }
        ObjectNode body = desired.body();
        if (!resource.namespaced() && !ref.clusterScoped()) {
            // kubectl and Flux ignore a namespace on a cluster-scoped kind; the inventory id must not carry it.
            ref = ref.withoutNamespace();
            body = body.deepCopy();
            ((ObjectNode) body.get("metadata")).remove("namespace");
        } else if (resource.namespaced() && ref.clusterScoped()) {
            return failed(ref, ref + ": " + ref.kind() + " is namespaced and the object has no metadata.namespace");
        }
        Resource<GenericKubernetesResource> target = target(client, resource, ref, body);
        ObjectNode live;
        try {
            live = node(target.get());
        } catch (KubernetesClientException e) {
            return failed(ref, ApiErrors.failureMessage(as, "get", ref, e));
        }
        if (options.kustomizeAnnotations() && (FluxMetadata.excluded(body) || FluxMetadata.excluded(live)
                || (live != null && FluxMetadata.ifNotPresent(body)))) {
            return done(ref, ApplyResult.Action.SKIPPED, live, Optional.empty());
        }
        List<List<String>> ignored;
        try {
            ignored = live == null || options.ignore().isEmpty() ? List.of() : options.ignore().pathsFor(body);
        } catch (io.fleetwarden.render.RenderException e) {
            return failed(ref, ref + ": " + e.getMessage());
        }
        Optional<String> drift = Optional.of(".");
        if (live != null) {
            // Ignored paths are no drift; the rest of what we set must be there.
            drift = LiveComparison.firstDifference(ignored.isEmpty() ? body : DriftIgnore.without(body, ignored), live);
            if (drift.isEmpty()) {
                return done(ref, ApplyResult.Action.UNCHANGED, live, drift);
            }
        }
        try {
            Resource<GenericKubernetesResource> request = ignored.isEmpty() ? target
                    : target(client, resource, ref, DriftIgnore.payload(body, live, ignored, options.fieldManager()));
            ObjectNode after = serverSideApply(request, body, options);
            return done(ref, live == null ? ApplyResult.Action.CREATED : ApplyResult.Action.CONFIGURED, after, drift);
        } catch (KubernetesClientException e) {
            if (live != null && ApiErrors.immutable(e)) {
                return immutableChange(target, as, ref, body, live, options, deadline, e);
            }
            return failed(ref, ApiErrors.failureMessage(as, live == null ? "create" : "patch", ref, e));
        }
    }

    /** Recreate when force is on for this object, as Flux does; otherwise say which field blocks the change. */
    private Outcome immutableChange(Resource<GenericKubernetesResource> target, Impersonation as, ObjectRef ref,
            ObjectNode body, ObjectNode live, ApplyOptions options, Instant deadline, KubernetesClientException e) {
        if (!(options.force() || (options.kustomizeAnnotations()
                && (FluxMetadata.forceEnabled(body) || FluxMetadata.forceEnabled(live))))) {
            return failed(ref, ref + ": " + ApiErrors.immutableFields(e) + " cannot be changed in place; set the"
                    + " Kustomization's spec.force or the object's " + FluxMetadata.FORCE + ": enabled annotation to"
                    + " delete and recreate it (API server: " + ApiErrors.serverWords(e) + ")");
        }
        try {
            target.withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0) {
                return failed(ref, ref + ": deleted to recreate it, but the deadline passed before it was gone");
            }
            // Finalizers may hold it; a watch tells us when it is gone, within the time left.
            target.waitUntilCondition(Objects::isNull, left, TimeUnit.MILLISECONDS);
            ObjectNode after = serverSideApply(target, body, options);
            return done(ref, ApplyResult.Action.RECREATED, after, Optional.empty());
        } catch (KubernetesClientException recreate) {
            return failed(ref, ref + ": recreating it to change " + ApiErrors.immutableFields(e) + " failed: "
                    + ApiErrors.failureMessage(as, "delete or create", ref, recreate));
        }
    }

    /**
     * One server-side apply ({@code application/apply-patch+yaml}) of the object as given. fabric8's
     * {@code patch(PatchContext, String)} answers 404 for an object that does not exist yet (7.4: it reads the
     * object first), so the apply goes through {@code resource(item).serverSideApply()}, a single PATCH.
     */
    private ObjectNode serverSideApply(Resource<GenericKubernetesResource> target, ObjectNode body,
            ApplyOptions options) {
        // Force takes over fields another manager set (a hand edit), which is what drift correction means.
        return node(target.fieldManager(options.fieldManager()).forceConflicts().serverSideApply());
    }

    /** The object's endpoint, carrying the desired body for the apply (a GET or DELETE ignores it). */
    private Resource<GenericKubernetesResource> target(KubernetesClient client, ResourceMapping.Resource resource,
            ObjectRef ref, ObjectNode body) {
        GenericKubernetesResource item = service.getKubernetesSerialization()
                .convertValue(body, GenericKubernetesResource.class);
        var all = client.genericKubernetesResources(resource.context());
        return resource.namespaced() ? all.inNamespace(ref.namespace()).resource(item) : all.resource(item);
    }

    private ObjectNode node(GenericKubernetesResource resource) {
        return resource == null ? null
                : service.getKubernetesSerialization().convertValue(resource, ObjectNode.class);
    }

    private static Outcome done(ObjectRef ref, ApplyResult.Action action, ObjectNode live, Optional<String> drift) {
        return new Outcome.Done(new ApplyResult.Applied(ref, action, live, drift));
    }

    private static Outcome failed(ObjectRef ref, String message) {
        return new Outcome.Failed(new ApplyResult.Failure(ref, message));
    }
}
