package io.fleetwarden.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Deletes objects a Kustomization no longer has (prune) or all of its objects (its own deletion), as the tenant,
 * as Flux's {@code ssa.DeleteAll}: in reverse apply order; only objects that still carry every owner label with
 * our values (so an object another Kustomization took over is left alone); never one marked
 * {@code kustomize.toolkit.fluxcd.io/prune: disabled} (label or annotation), {@code reconcile: disabled} or
 * {@code ssa: Ignore}; background propagation. An object the API server no longer has counts as pruned; one
 * whose deletion was refused or failed is reported and stays in {@link PruneResult#remaining()}.
 */
public final class Pruner {

    private final KubernetesClient service;
    private final ResourceMapping mapping;

    public Pruner(KubernetesClient serviceClient, ResourceMapping mapping) {
        this.service = Objects.requireNonNull(serviceClient, "serviceClient");
        this.mapping = Objects.requireNonNull(mapping, "mapping");
    }

    /**
     * Prunes {@code stale}. The policy decides how: WaitForTermination also waits until each is gone, Orphan
     * deletes nothing, MirrorPrune and Delete delete in the background.
     */
    public PruneResult prune(List<ObjectRef> stale, Impersonation as, Map<String, String> ownerLabels,
            DeletionPolicy policy, Instant deadline) {
        return prune(stale, as, ownerLabels, policy, deadline, FluxMetadata.PRUNE);
    }

    /**
     * As {@link #prune(List, Impersonation, Map, DeletionPolicy, Instant)}, with the key (label or annotation)
     * whose value {@code disabled} keeps an object: a ResourceSet's objects opt out with
     * {@code fluxcd.controlplane.io/prune: disabled}, not kustomize-controller's key.
     */
    public PruneResult prune(List<ObjectRef> stale, Impersonation as, Map<String, String> ownerLabels,
            DeletionPolicy policy, Instant deadline, String pruneDisabledKey) {
        if (ownerLabels.isEmpty()) {
            // Without owner labels every object would match: fail closed rather than delete what is not ours.
            throw new IllegalArgumentException("pruning needs the owner labels (" + FluxMetadata.OWNER_NAME + ", "
                    + FluxMetadata.OWNER_NAMESPACE + ")");
        }
        List<PruneResult.Pruned> outcomes = new ArrayList<>();
        List<ApplyResult.Failure> failures = new ArrayList<>();
        List<ObjectRef> ordered = new ArrayList<>(stale);
        ordered.sort(FluxOrder.OBJECTS.reversed());
        KubernetesClient client = TenantClients.as(service, as);
        for (ObjectRef ref : ordered) {
            if (policy == DeletionPolicy.ORPHAN) {
                outcomes.add(new PruneResult.Pruned(ref, PruneResult.Outcome.ORPHANED));
                continue;
            }
            try {
                outcomes.add(new PruneResult.Pruned(ref, pruneOne(client, as, ref, ownerLabels, policy, deadline,
                        pruneDisabledKey)));
            } catch (Refused e) {
                failures.add(new ApplyResult.Failure(ref, e.getMessage()));
            }
        }
        return new PruneResult(outcomes, failures);
    }

    /** The Kustomization is being deleted: its whole inventory goes, or stays, as {@code policy} says. */
    public PruneResult deleteAll(Inventory inventory, Impersonation as, Map<String, String> ownerLabels,
            DeletionPolicy policy, boolean kustomizationPrunes, Instant deadline) {
        List<ObjectRef> refs = new ArrayList<>();
        inventory.entries().forEach(e -> refs.add(e.ref()));
        DeletionPolicy effective = policy.deletesOnRemoval(kustomizationPrunes) ? policy : DeletionPolicy.ORPHAN;
        return prune(refs, as, ownerLabels, effective, deadline);
    }

    private PruneResult.Outcome pruneOne(KubernetesClient client, Impersonation as, ObjectRef ref,
            Map<String, String> ownerLabels, DeletionPolicy policy, Instant deadline, String pruneDisabledKey) {
        if (!Instant.now().isBefore(deadline)) {
            throw new Refused(ref + ": not pruned, the reconcile deadline passed");
        }
        ResourceMapping.Resource resource;
        try {
            resource = mapping.lookup(ref);
        } catch (ResourceMapping.UnknownKind e) {
            // As Flux: an unknown kind is not proof the object is gone (discovery may be failing); retry later.
            throw new Refused(ref + ": not pruned: " + e.getMessage());
        }
        var all = client.genericKubernetesResources(resource.context());
        Resource<GenericKubernetesResource> target = resource.namespaced()
                ? all.inNamespace(ref.namespace()).withName(ref.name()) : all.withName(ref.name());
        GenericKubernetesResource live;
        try {
            live = target.get();
        } catch (KubernetesClientException e) {
            throw new Refused(ApiErrors.failureMessage(as, "get", ref, e));
        }
        if (live == null) {
            return PruneResult.Outcome.GONE;
        }
        ObjectNode node = service.getKubernetesSerialization().convertValue(live, ObjectNode.class);
        Map<String, String> labels = live.getMetadata().getLabels() == null ? Map.of() : live.getMetadata().getLabels();
        for (Map.Entry<String, String> owner : ownerLabels.entrySet()) {
            if (!owner.getValue().equals(labels.get(owner.getKey()))) {
                return PruneResult.Outcome.NOT_OWNED;
            }
        }
        if (FluxMetadata.has(node, pruneDisabledKey, "disabled") || FluxMetadata.excluded(node)) {
            return PruneResult.Outcome.PRUNE_DISABLED;
        }
        try {
            // As Flux, no precondition: a resourceVersion lock would fail on every status update of a busy object.
            target.withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            if (ApiErrors.notFound(e)) {
                return PruneResult.Outcome.GONE;
            }
            throw new Refused(ApiErrors.failureMessage(as, "delete", ref, e));
        }
        if (policy != DeletionPolicy.WAIT_FOR_TERMINATION) {
            return PruneResult.Outcome.DELETED;
        }
        long left = Duration.between(Instant.now(), deadline).toMillis();
        try {
            if (left <= 0) {
                throw new KubernetesClientTimeoutException(List.of(live), 0, TimeUnit.MILLISECONDS);
            }
            target.waitUntilCondition(Objects::isNull, left, TimeUnit.MILLISECONDS);
            return PruneResult.Outcome.TERMINATED;
        } catch (KubernetesClientTimeoutException e) {
            throw new Refused(ref + ": deleted but still terminating at the deadline (finalizers: "
                    + live.getMetadata().getFinalizers() + ")");
        }
    }

    /** A deletion that was not confirmed; the message names the object and the reason. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }
}
