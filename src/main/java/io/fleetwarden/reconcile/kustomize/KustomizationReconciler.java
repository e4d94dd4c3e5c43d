package io.fleetwarden.reconcile.kustomize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fleetwarden.apply.Applier;
import io.fleetwarden.apply.ApplyOptions;
import io.fleetwarden.apply.ApplyResult;
import io.fleetwarden.apply.Impersonation;
import io.fleetwarden.apply.Inventory;
import io.fleetwarden.apply.ObjectRef;
import io.fleetwarden.apply.PruneResult;
import io.fleetwarden.apply.Pruner;
import io.fleetwarden.apply.ResourceMapping;
import io.fleetwarden.apply.TenantClients;
import io.fleetwarden.health.HealthCheckExprs;
import io.fleetwarden.reconcile.FluxKinds;
import io.fleetwarden.reconcile.runtime.ObjectKey;
import io.fleetwarden.reconcile.runtime.Reconciler;
import io.fleetwarden.reconcile.source.StoredArtifact;
import io.fleetwarden.reconcile.source.VerifiedArtifacts;
import io.fleetwarden.reconcile.status.EventRecorder;
import io.fleetwarden.render.Limits;
import io.fleetwarden.render.RenderException;
import io.fleetwarden.render.Substitution;
import io.fleetwarden.status.Outcome;
import io.fleetwarden.status.Reasons;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reconciles a Flux {@code Kustomization} (kustomize.toolkit.fluxcd.io/v1) whose source is an OCIRepository, as
 * kustomize-controller does, in one process with the source: no tarball hop, the artifact tree is shared.
 *
 * <p>Steps, in order, each able to end the reconcile: read; finalize if deleted; parse; suspended?; dependencies
 * ready?; the source's verified artifact; build the overlay; substitute variables; tenancy check of every object;
 * apply as the tenant; prune what left the inventory (only after everything applied); health; status. A failure
 * at any step before prune prunes nothing, and the inventory written lists every object that may still exist.
 */
public final class KustomizationReconciler implements Reconciler {

    static final String COMPONENT = "kustomize-controller";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How a health check in progress is looked at again, without holding a worker: soon at first, then less often.
     * Each look reads the checked objects, so a fixed short poll over a thousand waiting Kustomizations would keep
     * the API server busy answering them (measured: 2 s polls cost its 2 cores at 1,000 apps); Flux polls every 5 s.
     */
    private static final Duration FIRST_HEALTH_POLL = Duration.ofMillis(500);
    private static final Duration MAX_HEALTH_POLL = Duration.ofSeconds(8);

    private final Function<ObjectKey, GenericKubernetesResource> cache;
    private final VerifiedArtifacts artifacts;
    private final Predicate<ObjectKey> sourceAwaited;
    private final KubernetesClient client;
    private final Applier applier;
    private final Pruner pruner;
    private final ResourceMapping mapping;
    private final TenantGuard tenancy;
    private final KustomizationStatus status;
    private final Clock clock;
    private final Duration dependencyRequeue;
    private final Map<ObjectKey, Attempt> attempts = new ConcurrentHashMap<>();

    /**
     * When the apply of one revision and generation started (its health checks time out from there), how often its
     * health has been looked at since, and, while a wait is in progress, what the next look needs.
     */
    private static final class Attempt {
        final String revision;
        final long generation;
        final Instant started;
        private final java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
        /** Set when the last pass applied everything and found objects not yet healthy; null otherwise. */
        volatile Waiting waiting;

        Attempt(String revision, long generation, Instant started) {
            this.revision = revision;
            this.generation = generation;
            this.started = started;
        }

        Duration nextPoll(Instant now, Instant deadline) {
            int n = Math.min(polls.getAndIncrement(), 10);
            Duration backoff = FIRST_HEALTH_POLL.multipliedBy(1L << n);
            Duration poll = backoff.compareTo(MAX_HEALTH_POLL) > 0 ? MAX_HEALTH_POLL : backoff;
            // Never sleep past the deadline: a check that times out is reported when it does.
            Duration left = Duration.between(now, deadline).plusMillis(100);
            return left.compareTo(poll) < 0 && !left.isNegative() ? left : poll;
        }
    }

    /**
     * A wait in progress after a complete apply: the inventory it wrote, the objects still to become healthy, and
     * the {@code requestedAt} it was applied under (a new request means a full pass, as any other change).
     */
    private record Waiting(Inventory inventory, List<HealthJudge.Pending> pending, String requestedAt) {
    }

    /**
     * @param sourceAwaited whether an OCIRepository is this engine's to reconcile and has not had its first turn
     *                      yet (it will queue its Kustomizations when it has, {@link VerifiedArtifacts#settle})
     */
    public KustomizationReconciler(Function<ObjectKey, GenericKubernetesResource> cache, VerifiedArtifacts artifacts,
            Predicate<ObjectKey> sourceAwaited, KubernetesClient client, Applier applier, Pruner pruner,
            ResourceMapping mapping, TenantGuard tenancy, EventRecorder events, Clock clock, Duration dependencyRequeue) {
        this.cache = cache;
        this.artifacts = artifacts;
        this.sourceAwaited = sourceAwaited;
        this.client = client;
        this.applier = applier;
        this.pruner = pruner;
        this.mapping = mapping;
        this.tenancy = tenancy;
        this.status = new KustomizationStatus(client, events, clock);
        this.clock = clock;
        this.dependencyRequeue = dependencyRequeue;
    }

    @Override
    public Outcome reconcile(ObjectKey key) {
        GenericKubernetesResource object = cache.apply(key);
        if (object == null) {
            attempts.remove(key);
            return new Outcome.Done(null);
        }
        JsonNode json = JSON.valueToTree(object);
        KustomizationSpec spec;
        try {
            spec = KustomizationSpec.of(key.namespace(), json.path("spec"));
        } catch (IllegalArgumentException e) {
            if (object.getMetadata().getDeletionTimestamp() != null) {
                // Deleted with a spec we cannot read: we cannot tell whom to delete as, or whether it pruned, so
                // nothing is deleted (orphaned, said in an Event), and the finalizer never holds the deletion.
                status.orphaned(object, e.getMessage());
                attempts.remove(key);
                return new Outcome.Done(null);
            }
            return status.failed(object, null, new Outcome.Stalled(Reasons.RECONCILIATION_FAILED, e.getMessage()));
        }
        if (object.getMetadata().getDeletionTimestamp() != null) {
            return finalize(object, json, spec);
        }
        if (spec.suspend()) {
            return new Outcome.Done(null);
        }
        if (!spec.unsupported().isEmpty()) {
            // Nothing applied and nothing pruned: what engine mode would apply is not what Flux would.
            return status.failed(object, null, new Outcome.Stalled(Reasons.RECONCILIATION_FAILED,
                    String.join("; ", spec.unsupported()) + "; nothing is applied or pruned until the field is removed"
                            + " or this Kustomization is left to kustomize-controller"));
        }
        if (!"OCIRepository".equals(spec.sourceKind())) {
            return status.failed(object, null, new Outcome.Stalled(Reasons.ARTIFACT_FAILED, "source kind '"
                    + spec.sourceKind() + "' is not reconciled in engine mode (OCIRepository only)"));
        }
        Optional<String> denied = tenancy.sourceRefDenied(key.namespace(), spec);
        if (denied.isPresent()) {
            return status.failed(object, null, new Outcome.Stalled(Reasons.ACCESS_DENIED, denied.get()));
        }
        ObjectKey sourceKey = new ObjectKey(spec.sourceNamespace(), spec.sourceName());
        // Asked before the artifact is read: a source that settles in between has queued this Kustomization again.
        boolean awaited = sourceAwaited.test(sourceKey);
        Optional<StoredArtifact> artifact = artifacts.get(sourceKey);
        if (artifact.isEmpty() && awaited) {
            // Its source has not had its first turn in this process (just created, or this replica just started
            // leading): the status is left as it is. Writing "no artifact" now would be overwritten a moment later
            // and, after a restart, would flip every Ready Kustomization to False until its source is reconciled.
            return new Outcome.Waiting(Reasons.ARTIFACT_FAILED, "OCIRepository '" + sourceKey.namespace() + "/"
                    + sourceKey.name() + "' has not been reconciled yet", dependencyRequeue);
        }
        if (artifact.isEmpty()) {
            return status.waiting(object, null, new Outcome.Waiting(Reasons.ARTIFACT_FAILED, "OCIRepository '"
                    + spec.sourceNamespace() + "/" + spec.sourceName() + "' has no verified artifact yet",
                    dependencyRequeue));
        }
        String revision = artifact.get().revision();
        Optional<String> notReady = Dependencies.notReady(json, spec, revision, k -> cache.apply(k));
        if (notReady.isPresent()) {
            return status.waiting(object, revision, new Outcome.Waiting(Reasons.DEPENDENCY_NOT_READY, notReady.get(),
                    dependencyRequeue));
        }
        var exprs = compileExprs(spec);
        if (exprs instanceof HealthCheckExprs.Invalid invalid) {
            return status.failed(object, revision, new Outcome.Stalled(Reasons.INVALID_CEL_EXPRESSION,
                    String.join("; ", invalid.errors())));
        }
        return applyRevision(key, object, spec, artifact.get(), ((HealthCheckExprs.Valid) exprs).exprs());
    }

    private Outcome applyRevision(ObjectKey key, GenericKubernetesResource object, KustomizationSpec spec,
            StoredArtifact artifact, HealthCheckExprs exprs) {
        String revision = artifact.revision();
        long generation = object.getMetadata().getGeneration() == null ? 0 : object.getMetadata().getGeneration();
        Attempt attempt = attempts.compute(key, (k, a) -> a != null && a.revision.equals(revision)
                && a.generation == generation ? a : new Attempt(revision, generation, clock.instant()));
        Instant deadline = attempt.started.plus(spec.timeout());
        // Everything read or written for this Kustomization is read or written as whom it runs as: its
        // postBuild variables, its objects, their health. fleetwarden lends only its ability to impersonate.
        Impersonation as = tenancy.identity(key.namespace(), spec);
        KubernetesClient asTenant = TenantClients.as(client, as);
        Waiting waiting = attempt.waiting;
        attempt.waiting = null;
        if (waiting != null && java.util.Objects.equals(waiting.requestedAt(), requestedAt(object))) {
            return poll(key, object, spec, artifact, exprs, attempt, deadline, waiting, asTenant);
        }
        Inventory previous = KustomizationStatus.inventory(object);
        List<ObjectNode> objects;
        SopsDecryption decryption = null;
        if (spec.decryption() != null) {
            try {
                decryption = SopsDecryption.of(asTenant, key.namespace(), spec.decryption());
            } catch (IllegalStateException e) {
                return status.failed(object, revision, new Outcome.Retry(Reasons.BUILD_FAILED, e.getMessage(),
                        spec.retryInterval()));
            } catch (KubernetesClientException e) {
                return status.failed(object, revision, new Outcome.Retry(Reasons.BUILD_FAILED, "reading the "
                        + "decryption Secret: " + e.getMessage(), spec.retryInterval()));
            }
        }
        try {
            SopsDecryption sops = decryption;
            objects = sops == null
                    ? spec.overlay().build(artifact.artifact().tree(), spec.path(), Limits.DEFAULT)
                    : sops.objects(spec.overlay().build(artifact.artifact().tree(), spec.path(), Limits.DEFAULT,
                            tree -> sops.sources(tree, spec.path())));
            objects = Substitution.apply(objects, Variables.of(asTenant, key.namespace(), spec),
                    spec.substituteAlways());
        } catch (RenderException | IllegalArgumentException | IllegalStateException e) {
            return status.failed(object, revision, new Outcome.Retry(Reasons.BUILD_FAILED, e.getMessage(),
                    spec.retryInterval()));
        } catch (KubernetesClientException e) {
            return status.failed(object, revision, new Outcome.Retry(Reasons.BUILD_FAILED, "reading postBuild "
                    + "variables: " + e.getMessage(), spec.retryInterval()));
        }
        Map<String, String> owner = ownerLabels(key);
        objects.forEach(o -> labelOwner(o, owner));
        spec.overlay().setCommonMetadata(objects);
        TenantGuard.Decision who = tenancy.check(key.namespace(), spec, objects, mapping);
        if (who instanceof TenantGuard.Refused r) {
            return status.failed(object, revision, new Outcome.Retry(Reasons.ACCESS_DENIED, r.message(),
                    spec.retryInterval()));
        }
        // Before the first object exists: deleting the Kustomization then garbage-collects what it applied.
        status.ensureFinalizer(object);
        Instant applyDeadline = clock.instant().plus(spec.timeout());
        ApplyResult applied = applier.apply(objects, as, new ApplyOptions(FluxKinds.FIELD_MANAGER, spec.force(), true,
                spec.driftIgnore()), applyDeadline);
        if (!applied.succeeded()) {
            // Nothing is pruned; the inventory keeps every object we applied before and every object applied now.
            Inventory kept = previous.withSurvivors(applied.inventory().entries().stream().map(Inventory.Entry::ref)
                    .toList());
            return status.applyFailed(object, revision, kept, applied, spec.retryInterval());
        }
        Inventory next = applied.inventory();
        List<ObjectRef> stale = previous.staleAfter(next);
        PruneResult pruned = null;
        if (spec.prune() && !stale.isEmpty()) {
            // deletionPolicy is about deleting the Kustomization itself; pruning always deletes, as Flux does.
            pruned = pruner.prune(stale, as, owner, io.fleetwarden.apply.DeletionPolicy.DELETE, applyDeadline);
            next = next.withSurvivors(pruned.remaining());
        }
        try {
            next.check(Inventory.DEFAULT_MAX_BYTES);
        } catch (Inventory.InventoryTooLarge e) {
            return status.failed(object, revision, new Outcome.Stalled(Reasons.RECONCILIATION_FAILED, e.getMessage()));
        }
        if (pruned != null && !pruned.succeeded()) {
            return status.pruneFailed(object, revision, next, applied, pruned, spec.retryInterval());
        }
        HealthJudge.Look look = spec.waitAll() || !spec.healthChecks().isEmpty()
                ? HealthJudge.look(spec, applied, exprs, h -> live(asTenant, h))
                : new HealthJudge.Look(new HealthJudge.Healthy(0), List.of());
        HealthJudge.Verdict health = look.verdict();
        if (health instanceof HealthJudge.InProgress p) {
            if (clock.instant().isAfter(deadline)) {
                return status.healthFailed(object, revision, next, applied, pruned, "timeout waiting for: "
                        + p.message(), spec.retryInterval());
            }
            attempt.waiting = new Waiting(next, look.pending(), requestedAt(object));
            return status.progressing(object, revision, next, applied, pruned, p.message(),
                    attempt.nextPoll(clock.instant(), deadline));
        }
        if (health instanceof HealthJudge.Failed f) {
            return status.healthFailed(object, revision, next, applied, pruned, f.message(), spec.retryInterval());
        }
        attempts.remove(key);
        return status.succeeded(object, artifact, next, applied, pruned, spec.waitAll() || !spec.healthChecks().isEmpty(),
                spec.interval());
    }

    /**
     * A later look at a wait in progress for the same revision, generation and request: everything was applied and
     * pruned by the pass that started the wait and its inventory written, so, as kustomize-controller's wait, this
     * only reads the objects that were not healthy yet (one GET each, as the tenant) instead of building and
     * comparing every object again. A timeout, a failure or a success ends the wait; the next pass is a full one.
     */
    private Outcome poll(ObjectKey key, GenericKubernetesResource object, KustomizationSpec spec,
            StoredArtifact artifact, HealthCheckExprs exprs, Attempt attempt, Instant deadline, Waiting waiting,
            KubernetesClient asTenant) {
        String revision = artifact.revision();
        HealthJudge.Look look = HealthJudge.poll(waiting.pending(), exprs, h -> live(asTenant, h));
        if (look.verdict() instanceof HealthJudge.InProgress p) {
            if (clock.instant().isAfter(deadline)) {
                return status.healthFailed(object, revision, waiting.inventory(), null, null, "timeout waiting for: "
                        + p.message(), spec.retryInterval());
            }
            attempt.waiting = new Waiting(waiting.inventory(), look.pending(), waiting.requestedAt());
            return status.progressing(object, revision, waiting.inventory(), null, null, p.message(),
                    attempt.nextPoll(clock.instant(), deadline));
        }
        if (look.verdict() instanceof HealthJudge.Failed f) {
            return status.healthFailed(object, revision, waiting.inventory(), null, null, f.message(),
                    spec.retryInterval());
        }
        attempts.remove(key);
        return status.succeeded(object, artifact, waiting.inventory(), null, null, true, spec.interval());
    }

    private static String requestedAt(GenericKubernetesResource object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(FluxKinds.REQUESTED_AT);
    }

    private Outcome finalize(GenericKubernetesResource object, JsonNode json, KustomizationSpec spec) {
        if (!status.hasFinalizer(object)) {
            return new Outcome.Done(null);
        }
        ObjectKey key = ObjectKey.of(object);
        if (spec.remoteCluster()) {
            // Its inventory names objects of another cluster (written by kustomize-controller before a move to
            // engine mode): deleting the same names here would delete this cluster's objects. Nothing is deleted.
            status.leftInPlace(object, "deleted with spec.kubeConfig: its objects are in another cluster, which engine "
                    + "mode does not reach; nothing was deleted here or there");
            attempts.remove(key);
            return new Outcome.Done(null);
        }
        Inventory inventory = KustomizationStatus.inventory(object);
        if (!spec.suspend() && !inventory.entries().isEmpty()) {
            Impersonation as = tenancy.identity(key.namespace(), spec);
            PruneResult result = pruner.deleteAll(inventory, as, ownerLabels(key), spec.deletionPolicy(), spec.prune(),
                    clock.instant().plus(spec.timeout()));
            if (!result.succeeded()) {
                return status.pruneFailed(object, null, inventory.withSurvivors(List.of()), null, result,
                        spec.retryInterval());
            }
        }
        status.removeFinalizer(object);
        attempts.remove(key);
        return new Outcome.Done(null);
    }

    private JsonNode live(KubernetesClient client, KustomizationSpec.HealthCheck h) {
        try {
            var resource = mapping.lookup(h.apiVersion(), h.kind());
            var ctx = new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                    .withGroup(resource.group()).withVersion(resource.version()).withKind(resource.kind())
                    .withPlural(resource.plural()).withNamespaced(resource.namespaced()).build();
            var ops = client.genericKubernetesResources(ctx);
            GenericKubernetesResource r = resource.namespaced() ? ops.inNamespace(h.namespace()).withName(h.name()).get()
                    : ops.withName(h.name()).get();
            return r == null ? null : JSON.valueToTree(r);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static HealthCheckExprs.Compilation compileExprs(KustomizationSpec spec) {
        List<HealthCheckExprs.Spec> specs = new ArrayList<>();
        for (JsonNode e : spec.healthCheckExprs()) {
            specs.add(new HealthCheckExprs.Spec(e.path("apiVersion").asText(null), e.path("kind").asText(null),
                    e.path("current").asText(null), e.path("inProgress").asText(null), e.path("failed").asText(null)));
        }
        return specs.isEmpty() ? new HealthCheckExprs.Valid(HealthCheckExprs.none()) : HealthCheckExprs.compile(specs);
    }

    static Map<String, String> ownerLabels(ObjectKey key) {
        return Map.of(FluxKinds.OWNER_NAME_LABEL, key.name(), FluxKinds.OWNER_NAMESPACE_LABEL, key.namespace());
    }

    private static void labelOwner(ObjectNode o, Map<String, String> owner) {
        JsonNode meta = o.get("metadata");
        ObjectNode m = meta instanceof ObjectNode mo ? mo : o.putObject("metadata");
        JsonNode labels = m.get("labels");
        ObjectNode l = labels instanceof ObjectNode lo ? lo : m.putObject("labels");
        owner.forEach(l::put);
    }
}
