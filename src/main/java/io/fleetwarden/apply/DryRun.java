package io.fleetwarden.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a server-side apply of a build would change, asked of the API server without changing anything: per
 * object a GET and a server-side apply with {@code dryRun=All} (force, the given field manager), as
 * {@code flux diff kustomization} does. The API server runs its defaulting, admission and validation on the dry
 * run, so the answer is what an apply would really store, which a local comparison cannot tell.
 *
 * <p>Objects are asked in apply order ({@link Stages}), so a Namespace or CustomResourceDefinition that the same
 * build creates is known before the objects that need it: those objects are {@link Created} (the API server
 * cannot dry-run them yet, since their namespace or kind does not exist). Every object is asked even when one
 * fails, so one refused object does not hide the changes of the others.
 */
public final class DryRun {

    /** What an apply would do to one object. Drifted objects carry both sides, Secret values masked. */
    public sealed interface Change {
        /** Null only for an object without apiVersion, kind or name, which fails the whole build. */
        ObjectRef ref();
    }

    public record Created(ObjectRef ref) implements Change {
    }

    /** {@code live} and {@code after}: without the fields the API server keeps for itself, Secrets masked. */
    public record Drifted(ObjectRef ref, ObjectNode live, ObjectNode after) implements Change {
    }

    public record Unchanged(ObjectRef ref) implements Change {
    }

    /** Flux leaves the object alone ({@code ssa: Ignore}, {@code reconcile: disabled}, {@code ssa: IfNotPresent}). */
    public record Skipped(ObjectRef ref) implements Change {
    }

    /** {@code message} names the object and what the API server said. */
    public record Failed(ObjectRef ref, String message) implements Change {
    }

    /** Fields the API server sets for itself, which an apply neither sets nor changes. */
    private static final List<String> SERVER_METADATA = List.of("managedFields", "resourceVersion", "generation", "uid",
            "creationTimestamp");

    private final KubernetesClient client;
    private final ResourceMapping mapping;
    private final String fieldManager;

    /** {@code client}: the caller's own identity, used for discovery and, unless impersonating, for the calls. */
    public DryRun(KubernetesClient client, String fieldManager) {
        this.client = Objects.requireNonNull(client, "client");
        this.mapping = new ResourceMapping(client);
        this.fieldManager = Objects.requireNonNull(fieldManager, "fieldManager");
    }

    /** One change per object, in apply order; {@code as} decides whom the API server sees asking. */
    public List<Change> of(List<ObjectNode> objects, Impersonation as) {
        List<Stages.Stage> stages;
        try {
            stages = Stages.of(objects);
        } catch (IllegalArgumentException e) {
            return List.of(new Failed(null, e.getMessage()));
        }
        KubernetesClient asked = TenantClients.as(client, as);
        // The kubeconfig's user is not "fleetwarden": name it as the user knows it.
        String actor = as instanceof Impersonation.ServiceAccount ? as.describe() : "the kubeconfig's user";
        Set<String> newKinds = new HashSet<>();
        Set<String> newNamespaces = new HashSet<>();
        for (Stages.Stage stage : stages) {
            for (Stages.Desired d : stage.objects()) {
                if (d.ref().kind().equals("CustomResourceDefinition")) {
                    JsonNode spec = d.body().path("spec");
                    newKinds.add(spec.path("group").asText() + "/" + spec.path("names").path("kind").asText());
                }
            }
        }
        List<Change> changes = new ArrayList<>();
        int total = objects.size();
        for (Stages.Stage stage : stages) {
            for (Stages.Desired d : stage.objects()) {
                Change change;
                try {
                    change = one(asked, actor, d.ref(), d.body(), newKinds, newNamespaces);
                } catch (NoAnswer e) {
                    // Every other object would fail the same way, one timeout each: say it once and stop.
                    int left = total - changes.size() - 1;
                    changes.add(new Failed(d.ref(), e.getMessage() + (left > 0 ? "; " + left + " more object"
                            + (left == 1 ? "" : "s") + " not asked" : "")));
                    return changes;
                }
                if (change instanceof Created c && c.ref().kind().equals("Namespace") && c.ref().group().isEmpty()) {
                    newNamespaces.add(c.ref().name());
                }
                changes.add(change);
            }
        }
        return changes;
    }

    /** A request the API server never answered (unreachable, TLS, timeout): no later request will fare better. */
    private static final class NoAnswer extends RuntimeException {
        NoAnswer(String message) {
            super(message);
        }
    }

    private static KubernetesClientException answered(ObjectRef ref, String what, KubernetesClientException e) {
        if (e.getCode() <= 0) {
            throw new NoAnswer(ref + ": " + what + " got no answer from the API server: " + words(e));
        }
        return e;
    }

    private Change one(KubernetesClient asked, String actor, ObjectRef ref, ObjectNode body, Set<String> newKinds,
            Set<String> newNamespaces) {
        if (FluxMetadata.excluded(body)) {
            return new Skipped(ref);
        }
        ResourceMapping.Resource resource;
        try {
            resource = mapping.lookup(ref);
        } catch (ResourceMapping.UnknownKind e) {
            return newKinds.contains(ref.group() + "/" + ref.kind()) ? new Created(ref)
                    : new Failed(ref, ref + ": " + e.getMessage());
        } catch (KubernetesClientException e) {
            answered(ref, "API discovery of " + ref.apiVersion(), e);
            return new Failed(ref, ref + ": API discovery of " + ref.apiVersion() + " failed: " + words(e));
        }
        if (!resource.namespaced() && !ref.clusterScoped()) {
            // As the Applier: a namespace on a cluster-scoped kind is ignored, as kubectl and Flux ignore it.
            ref = ref.withoutNamespace();
            body = body.deepCopy();
            ((ObjectNode) body.get("metadata")).remove("namespace");
        } else if (resource.namespaced() && ref.clusterScoped()) {
            return new Failed(ref, ref + ": " + ref.kind() + " is namespaced and the object has no metadata.namespace");
        }
        GenericKubernetesResource item = client.getKubernetesSerialization()
                .convertValue(body, GenericKubernetesResource.class);
        var kind = asked.genericKubernetesResources(resource.context());
        Resource<GenericKubernetesResource> target = resource.namespaced()
                ? kind.inNamespace(ref.namespace()).resource(item) : kind.resource(item);
        ObjectNode live;
        try {
            live = node(target.get());
        } catch (KubernetesClientException e) {
            return failed(actor, "get", ref, answered(ref, "get", e));
        }
        if (FluxMetadata.excluded(live) || (live != null && FluxMetadata.ifNotPresent(body))) {
            return new Skipped(ref);
        }
        ObjectNode after;
        try {
            after = node(target.dryRun().fieldManager(fieldManager).forceConflicts().serverSideApply());
        } catch (KubernetesClientException e) {
            answered(ref, "the server-side dry run", e);
            if (live == null && ApiErrors.notFound(e) && newNamespaces.contains(ref.namespace())) {
                return new Created(ref);
            }
            if (live != null && ApiErrors.immutable(e)) {
                return new Failed(ref, ref + ": " + ApiErrors.immutableFields(e) + " cannot be changed in place; an "
                        + "apply would have to delete and recreate the object (spec.force or the object's "
                        + FluxMetadata.FORCE + ": enabled annotation)");
            }
            return failed(actor, live == null ? "create" : "patch", ref, e);
        }
        if (live == null) {
            return new Created(ref);
        }
        strip(live);
        strip(after);
        if (live.equals(after)) {
            return new Unchanged(ref);
        }
        SecretMask.mask(live, after);
        return new Drifted(ref, live, after);
    }

    private static Failed failed(String actor, String verb, ObjectRef ref, KubernetesClientException e) {
        if (ApiErrors.forbidden(e)) {
            return new Failed(ref, ApiErrors.forbiddenMessage(actor, verb, ref, e));
        }
        return new Failed(ref, ref + ": " + verb + (verb.equals("get") ? "" : " (server-side dry run)") + " failed"
                + (e.getCode() > 0 ? " (HTTP " + e.getCode() + ")" : "") + ": " + words(e));
    }

    /** The API server's words, or for a request that never got an answer, why (connection refused, TLS, ...). */
    private static String words(KubernetesClientException e) {
        if (e.getCode() > 0 || e.getCause() == null) {
            return ApiErrors.serverWords(e);
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return e.getMessage() + " (" + root + ")";
    }

    private static void strip(ObjectNode object) {
        object.remove("status");
        if (object.get("metadata") instanceof ObjectNode metadata) {
            SERVER_METADATA.forEach(metadata::remove);
        }
    }

    private ObjectNode node(GenericKubernetesResource resource) {
        return resource == null ? null : client.getKubernetesSerialization().convertValue(resource, ObjectNode.class);
    }
}
