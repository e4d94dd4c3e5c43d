package io.fleetwarden.reconcile.resourceset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetwarden.apply.Applier;
import io.fleetwarden.apply.ApplyOptions;
import io.fleetwarden.apply.ApplyResult;
import io.fleetwarden.apply.Impersonation;
import io.fleetwarden.apply.Inventory;
import io.fleetwarden.apply.ObjectRef;
import io.fleetwarden.apply.Pruner;
import io.fleetwarden.apply.ResourceMapping;
import io.fleetwarden.apply.TenantClients;
import io.fleetwarden.health.HealthCheckExprs;
import io.fleetwarden.reconcile.Engine;
import io.fleetwarden.reconcile.FluxKinds;
import io.fleetwarden.reconcile.kustomize.HealthJudge;
import io.fleetwarden.reconcile.kustomize.TenantGuard;
import io.fleetwarden.reconcile.runtime.ObjectKey;
import io.fleetwarden.reconcile.runtime.Reconciler;
import io.fleetwarden.reconcile.status.EventRecorder;
import io.fleetwarden.render.resourceset.ResourceSetRenderer;
import io.fleetwarden.render.resourceset.ResourceSetRenderer.RenderException;
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

/**
 * Reconciles a Flux Operator {@code ResourceSet} (fluxcd.controlplane.io/v1) as Flux Operator does, with
 * fleetwarden's renderer, tenancy guard, applier and pruner.
 *
 * <p>Steps, in order, each able to end the reconcile: read; uninstall if deleted; finalizer; disabled?; compile the
 * dependency expressions; dependencies ready?; inputs and render (templates, providers); owner labels and
 * commonMetadata (the renderer's); the tenancy check of every object; copyFrom; apply each step as the ResourceSet's
 * service account, judging a step's health before the next; garbage-collect what left the set (only after
 * everything applied and every step was healthy); the change-set Event; {@code wait}; status. A failure before the
 * garbage collection prunes nothing, and the inventory written then lists every object that may exist.
 */
public final class ResourceSetReconciler implements Reconciler {

    /** Flux Operator's field manager: objects move between Flux Operator and engine mode without a conflict. */
    static final String FIELD_MANAGER = "flux-operator";
    static final String OWNER_NAME = "resourceset.fluxcd.controlplane.io/name";
    static final String OWNER_NAMESPACE = "resourceset.fluxcd.controlplane.io/namespace";

    /** How a health check in progress is looked at again: soon, without holding a worker. */
    private static final Duration HEALTH_POLL = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Flux Operator judges its own kinds by their Ready condition at their generation. */
    private static final HealthCheckExprs OWN_KINDS = ownKinds();

    private final Engine.Caches caches;
    private final KubernetesClient client;
    private final Applier applier;
    private final GarbageCollector collector;
    private final ResourceMapping mapping;
    private final TenantGuard tenancy;
    private final ResourceSetStatus status;
    private final Clock clock;
    private final Duration dependencyRequeue;
    private final Map<ObjectKey, Attempt> attempts = new ConcurrentHashMap<>();

    /** When the apply of one digest at one generation started: its health checks time out from there. */
    private record Attempt(String digest, long generation, Instant started) {
    }

    public ResourceSetReconciler(Engine.Caches caches, KubernetesClient client, Applier applier, Pruner pruner,
            ResourceMapping mapping, TenantGuard tenancy, EventRecorder events, Clock clock,
            Duration dependencyRequeue) {
        this.caches = caches;
        this.client = client;
        this.applier = applier;
        this.collector = new GarbageCollector(pruner);
        this.mapping = mapping;
        this.tenancy = tenancy;
        this.status = new ResourceSetStatus(client, events, clock);
        this.clock = clock;
        this.dependencyRequeue = dependencyRequeue;
    }

    @Override
    public Outcome reconcile(ObjectKey key) {
        GenericKubernetesResource object = caches.get(FluxKinds.RESOURCE_SET, key);
        if (object == null) {
            attempts.remove(key);
            return new Outcome.Done(null);
        }
        JsonNode json = JSON.valueToTree(object);
        if (object.getMetadata().getDeletionTimestamp() != null) {
            // Before the spec is judged: a ResourceSet with a mistyped annotation must still be deletable.
            return uninstall(object, json);
        }
        ResourceSetSpec spec;
        try {
            spec = ResourceSetSpec.of(json);
        } catch (IllegalArgumentException e) {
            return stalled(object, Reasons.BUILD_FAILED, "build failed: " + e.getMessage());
        }
        status.ensureFinalizer(object);
        if (spec.disabled()) {
            status.event(object, EventRecorder.WARNING, ResourceSetStatus.RECONCILIATION_DISABLED,
                    "Reconciliation is disabled");
            return new Outcome.Done(null);
        }
        ResourceSetDependencies.Compiled exprs;
        try {
            exprs = ResourceSetDependencies.compile(spec);
        } catch (IllegalArgumentException e) {
            return stalled(object, Reasons.INVALID_CEL_EXPRESSION, ResourceSetStatus.TERMINAL + ": " + e.getMessage());
        }
        Impersonation as = tenancy.identity(key.namespace(), spec.serviceAccountName());
        KubernetesClient asTenant = TenantClients.as(client, as);
        Optional<String> notReady = ResourceSetDependencies.notReady(key.namespace(), spec, exprs,
                d -> dependency(d, asTenant));
        if (notReady.isPresent()) {
            String message = "Retrying dependency check: " + notReady.get();
            status.dependencyNotReady(object, message);
            return new Outcome.Waiting(Reasons.DEPENDENCY_NOT_READY, message, dependencyRequeue);
        }
        return build(key, object, spec, as, asTenant);
    }

    private Outcome build(ObjectKey key, GenericKubernetesResource object, ResourceSetSpec spec, Impersonation as,
            KubernetesClient asTenant) {
        if (readsProviders(object) && !caches.synced(FluxKinds.RESOURCE_SET_INPUT_PROVIDER)) {
            // Not listed yet (a new leader, or the CRD not installed): an empty list here is not "no inputs", and
            // rendering it would garbage-collect everything the providers' inputs made.
            return new Outcome.Waiting(Reasons.PROGRESSING, "waiting for the ResourceSetInputProviders to be listed",
                    dependencyRequeue);
        }
        Rendering.Rendered rendered;
        try {
            rendered = Rendering.render(object, ns -> caches.list(FluxKinds.RESOURCE_SET_INPUT_PROVIDER).stream()
                    .filter(p -> ns.equals(p.getMetadata().getNamespace())).toList());
        } catch (Rendering.InputsFailed e) {
            return stalled(object, Reasons.BUILD_FAILED, "failed to compute inputs: " + e.getMessage());
        } catch (RenderException e) {
            return stalled(object, Reasons.BUILD_FAILED, "build failed: " + e.getMessage());
        }
        List<ResourceSetRenderer.Step> steps = rendered.steps();
        List<Map<String, Object>> all = new ArrayList<>();
        steps.forEach(s -> all.addAll(s.objects()));
        Optional<String> unsupported = Unsupported.annotations(all);
        if (unsupported.isPresent()) {
            return stalled(object, Reasons.BUILD_FAILED, "build failed: " + unsupported.get());
        }
        // Every object is judged before any is applied or any Secret is read for it.
        List<ObjectNode> nodes = all.stream().map(GoObjects::node).toList();
        TenantGuard.Decision who = tenancy.check(key.namespace(), spec.serviceAccountName(), "ResourceSet", nodes,
                mapping);
        if (who instanceof TenantGuard.Refused r) {
            return failed(object, null, Reasons.ACCESS_DENIED, r.message());
        }
        Map<String, String> metadata = new java.util.TreeMap<>(Map.of("inputs", Integer.toString(rendered.inputSets()),
                "resources", Integer.toString(all.size())));
        if (!steps.get(0).name().isEmpty()) {
            metadata.put("steps", Integer.toString(steps.size()));
        }
        try {
            CopyFrom.apply(all, asTenant, as);
        } catch (CopyFrom.CopyFailed e) {
            return failed(object, null, Reasons.RECONCILIATION_FAILED, "reconciliation failed: " + e.getMessage(),
                    new History.Entry(Rendering.digest(steps), clock.instant(), Duration.ZERO,
                            Reasons.RECONCILIATION_FAILED, metadata));
        }
        String digest = Rendering.digest(steps);
        return apply(key, object, spec, as, steps, digest, metadata);
    }

    private Outcome apply(ObjectKey key, GenericKubernetesResource object, ResourceSetSpec spec, Impersonation as,
            List<ResourceSetRenderer.Step> steps, String digest, Map<String, String> metadata) {
        long generation = object.getMetadata().getGeneration() == null ? 0 : object.getMetadata().getGeneration();
        Attempt attempt = attempts.compute(key, (k, a) -> a != null && a.digest.equals(digest)
                && a.generation == generation ? a : new Attempt(digest, generation, clock.instant()));
        java.util.function.Function<String, History.Entry> history = outcome -> new History.Entry(digest,
                clock.instant(), Duration.between(attempt.started, clock.instant()), outcome, metadata);
        Instant healthDeadline = attempt.started.plus(spec.timeout());
        Instant deadline = clock.instant().plus(spec.timeout());
        Inventory previous = ResourceSetStatus.inventory(object);
        List<ObjectRef> applied = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        ApplyResult last = null;
        // Flux Operator honours none of kustomize-controller's per-object annotations (see ApplyOptions).
        ApplyOptions options = new ApplyOptions(FIELD_MANAGER, spec.force(), false);
        for (int i = 0; i < steps.size(); i++) {
            ResourceSetRenderer.Step step = steps.get(i);
            String prefix = step.name().isEmpty() ? "" : "step \"" + step.name() + "\" ";
            last = applier.apply(step.objects().stream().map(GoObjects::node).toList(), as, options, deadline);
            last.applied().forEach(a -> applied.add(a.ref()));
            // During the steps the inventory is the union of old and new: a failure never orphans an object.
            Inventory union = previous.withSurvivors(applied);
            if (!last.succeeded()) {
                List<String> lines = last.failures().stream().map(ApplyResult.Failure::message).toList();
                return failed(object, union, Reasons.RECONCILIATION_FAILED, "reconciliation failed: " + prefix
                        + "apply failed, nothing pruned: " + String.join("; ", lines),
                        history.apply(Reasons.RECONCILIATION_FAILED));
            }
            List<String> stepChanges = ChangeSet.lines(last);
            boolean finalStep = i == steps.size() - 1;
            if (finalStep) {
                changes.addAll(stepChanges);
                break;
            }
            if (!stepChanges.isEmpty()) {
                status.changeSet(object, List.of("step \"" + step.name() + "\": " + String.join("\n", stepChanges)));
            }
            HealthJudge.Verdict health = HealthJudge.judgeAll(last.applied(), OWN_KINDS);
            Outcome waiting = health(object, union, health, healthDeadline, prefix, "Applying step " + (i + 1) + "/"
                    + steps.size() + " \"" + step.name() + "\"", history);
            if (waiting != null) {
                return waiting;
            }
        }
        Inventory next = Inventory.of(applied);
        List<ObjectRef> stale = previous.staleAfter(next);
        if (!stale.isEmpty()) {
            GarbageCollector.Result gc = collector.collect(stale, as, ownerLabels(key), deadline);
            changes.addAll(ChangeSet.deleted(gc.outcomes()));
            if (!gc.succeeded()) {
                status.changeSet(object, changes);
                List<String> lines = gc.failures().stream().map(ApplyResult.Failure::message).toList();
                return failed(object, next.withSurvivors(gc.remaining()), Reasons.RECONCILIATION_FAILED,
                        "reconciliation failed: garbage collection failed, kept in the inventory to retry: "
                                + String.join("; ", lines), history.apply(Reasons.RECONCILIATION_FAILED));
            }
        }
        try {
            next.check(Inventory.DEFAULT_MAX_BYTES);
        } catch (Inventory.InventoryTooLarge e) {
            return stalled(object, Reasons.RECONCILIATION_FAILED, e.getMessage().replace("Kustomization", "ResourceSet"));
        }
        status.changeSet(object, changes);
        if (spec.waitAll() && last != null) {
            Outcome waiting = health(object, next, HealthJudge.judgeAll(last.applied(), OWN_KINDS), healthDeadline, "",
                    ResourceSetStatus.IN_PROGRESS, history);
            if (waiting != null) {
                return waiting;
            }
        }
        attempts.remove(key);
        status.succeeded(object, next, digest, "Reconciliation finished in "
                + GoDuration.format(Duration.between(attempt.started, clock.instant())),
                history.apply(Reasons.RECONCILIATION_SUCCEEDED));
        return new Outcome.Done(spec.interval());
    }

    /** @return null when healthy, else the outcome to return (looked at again soon, or failed) */
    private Outcome health(GenericKubernetesResource object, Inventory inventory, HealthJudge.Verdict verdict,
            Instant deadline, String prefix, String progressMessage,
            java.util.function.Function<String, History.Entry> history) {
        if (verdict instanceof HealthJudge.InProgress p) {
            if (clock.instant().isAfter(deadline)) {
                return failed(object, inventory, Reasons.RECONCILIATION_FAILED, "reconciliation failed: " + prefix
                        + "timeout waiting for: " + p.message(), history.apply(Reasons.RECONCILIATION_FAILED));
            }
            status.progressing(object, inventory, progressMessage);
            return new Outcome.Waiting(Reasons.PROGRESSING, p.message(), HEALTH_POLL);
        }
        if (verdict instanceof HealthJudge.Failed f) {
            return failed(object, inventory, Reasons.RECONCILIATION_FAILED, "reconciliation failed: " + prefix
                    + f.message(), history.apply(Reasons.RECONCILIATION_FAILED));
        }
        return null;
    }

    /** Deleted: its objects go, in stages, as its service account; Flux Operator's finalizer is then removed. */
    private Outcome uninstall(GenericKubernetesResource object, JsonNode json) {
        ObjectKey key = ObjectKey.of(object);
        List<String> finalizers = object.getMetadata().getFinalizers();
        attempts.remove(key);
        if (finalizers == null || !finalizers.contains(ResourceSetSpec.FINALIZER)) {
            return new Outcome.Done(null);
        }
        Inventory inventory = ResourceSetStatus.inventory(object);
        ResourceSetSpec.Deletion spec = ResourceSetSpec.deletion(json);
        if (!spec.disabled() && !inventory.entries().isEmpty()) {
            Impersonation as = tenancy.identity(key.namespace(), spec.serviceAccountName());
            List<ObjectRef> refs = inventory.entries().stream().map(Inventory.Entry::ref).toList();
            GarbageCollector.Result gc = collector.collect(refs, as, ownerLabels(key), clock.instant().plus(spec.timeout()));
            if (!gc.succeeded()) {
                // As Flux Operator, the finalizer goes anyway (a namespace being deleted must not hang on it); what
                // was left is said once, by name, in an Event.
                status.event(object, EventRecorder.WARNING, Reasons.PRUNE_FAILED, "objects left after the deletion of"
                        + " the ResourceSet: " + String.join("; ", gc.failures().stream()
                                .map(ApplyResult.Failure::message).toList()));
            }
        }
        status.removeFinalizer(object);
        return new Outcome.Done(null);
    }

    /** A dependency as the engine sees it: its cache for the kinds it watches, else a GET as the ResourceSet. */
    private JsonNode dependency(ResourceSetSpec.Dependency d, KubernetesClient asTenant) {
        ObjectKey key = new ObjectKey(d.namespace(), d.name());
        for (var kind : List.of(FluxKinds.KUSTOMIZATION, FluxKinds.RESOURCE_SET, FluxKinds.OCI_REPOSITORY,
                FluxKinds.RESOURCE_SET_INPUT_PROVIDER)) {
            if (kind.getKind().equals(d.kind()) && (kind.getGroup() + "/" + kind.getVersion()).equals(d.apiVersion())) {
                GenericKubernetesResource cached = caches.get(kind, key);
                if (cached != null) {
                    return JSON.valueToTree(cached);
                }
            }
        }
        ResourceMapping.Resource resource = mapping.lookup(d.apiVersion(), d.kind());
        if (resource.namespaced() && d.namespace().isEmpty()) {
            return null; // as the API answers a namespaced kind asked for without a namespace
        }
        var all = asTenant.genericKubernetesResources(resource.context());
        GenericKubernetesResource live = resource.namespaced() ? all.inNamespace(d.namespace()).withName(d.name()).get()
                : all.withName(d.name()).get();
        return live == null ? null : JSON.valueToTree(live);
    }

    /** Build failures are recorded in the history under the spec's digest, as Flux Operator records them. */
    private Outcome stalled(GenericKubernetesResource object, String reason, String message) {
        attempts.remove(ObjectKey.of(object));
        History.Entry history = Reasons.BUILD_FAILED.equals(reason) ? new History.Entry(Rendering.specDigest(object),
                clock.instant(), Duration.ZERO, reason, null) : null;
        status.stalled(object, reason, message, history);
        return new Outcome.Stalled(reason, message);
    }

    private Outcome failed(GenericKubernetesResource object, Inventory inventory, String reason, String message) {
        return failed(object, inventory, reason, message, null);
    }

    private Outcome failed(GenericKubernetesResource object, Inventory inventory, String reason, String message,
            History.Entry history) {
        status.failed(object, inventory, reason, message, history);
        return new Outcome.Retry(reason, message, null);
    }

    /**
     * Whether ResourceSet {@code candidate} lists {@code changed} in its {@code dependsOn} (any kind, by apiVersion,
     * kind, name and namespace): the engine then queues it when the dependency's readiness changes.
     */
    public static boolean dependsOn(GenericKubernetesResource candidate,
            io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext changedKind,
            GenericKubernetesResource changed) {
        JsonNode deps = JSON.valueToTree(candidate.getAdditionalProperties().get("spec")).path("dependsOn");
        String apiVersion = changedKind.getGroup() + "/" + changedKind.getVersion();
        String namespace = changed.getMetadata().getNamespace() == null ? "" : changed.getMetadata().getNamespace();
        for (JsonNode d : deps) {
            if (d.path("kind").asText("").equals(changedKind.getKind()) && d.path("apiVersion").asText("").equals(apiVersion)
                    && d.path("name").asText("").equals(changed.getMetadata().getName())
                    && d.path("namespace").asText("").equals(namespace)) {
                return true;
            }
        }
        return false;
    }

    private static boolean readsProviders(GenericKubernetesResource object) {
        return object.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
                && spec.get("inputsFrom") instanceof List<?> refs && !refs.isEmpty();
    }

    static Map<String, String> ownerLabels(ObjectKey key) {
        return Map.of(OWNER_NAME, key.name(), OWNER_NAMESPACE, key.namespace());
    }

    private static HealthCheckExprs ownKinds() {
        List<HealthCheckExprs.Spec> specs = new ArrayList<>();
        for (String kind : List.of("FluxInstance", "ResourceSet", "ResourceSetInputProvider")) {
            specs.add(new HealthCheckExprs.Spec(ResourceSetRenderer.API_VERSION, kind,
                    ResourceSetDependencies.HEALTH_CHECK_EXPR, null, null));
        }
        return ((HealthCheckExprs.Valid) HealthCheckExprs.compile(specs)).exprs();
    }
}
