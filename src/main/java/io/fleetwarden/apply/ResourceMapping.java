package io.fleetwarden.apply;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kind to resource (plural, namespaced or not) from the API server's discovery, one group-version at a time.
 *
 * <p>A group-version is read once and kept; a kind it does not list makes us read that group-version again, once
 * per lookup, because a CRD applied in an earlier stage (or by someone else) adds kinds after we cached it. The
 * cache holds only group-versions that objects asked for, so it is bounded by the kinds in use, not by the
 * cluster. Discovery is read with the service's own identity: it is open to every authenticated user anyway.
 */
public final class ResourceMapping {

    /** Where to send requests for one kind. */
    public record Resource(String group, String version, String kind, String plural, boolean namespaced) {

        public ResourceDefinitionContext context() {
            return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
                    .withPlural(plural).withNamespaced(namespaced).build();
        }

        /** {@code deployments.apps}, {@code configmaps}: how RBAC names it. */
        public String qualifiedPlural() {
            return group.isEmpty() ? plural : plural + "." + group;
        }
    }

    /** The API server serves no such kind (not installed, or a CRD not yet established). */
    public static final class UnknownKind extends RuntimeException {
        UnknownKind(String message) {
            super(message);
        }
    }

    private final KubernetesClient client;
    private final Map<String, Map<String, Resource>> byGroupVersion = new ConcurrentHashMap<>();

    public ResourceMapping(KubernetesClient client) {
        this.client = client;
    }

    public Resource lookup(String apiVersion, String kind) {
        Resource cached = byGroupVersion.getOrDefault(apiVersion, Map.of()).get(kind);
        if (cached != null) {
            return cached;
        }
        Map<String, Resource> fresh = discover(apiVersion);
        byGroupVersion.put(apiVersion, fresh);
        Resource found = fresh.get(kind);
        if (found == null) {
            throw new UnknownKind("the API server serves no kind " + kind + " in " + apiVersion
                    + (fresh.isEmpty() ? " (it serves no API " + apiVersion + " at all)" : "")
                    + "; is its CustomResourceDefinition installed and established?");
        }
        return found;
    }

    public Resource lookup(ObjectRef ref) {
        return lookup(ref.apiVersion(), ref.kind());
    }

    private Map<String, Resource> discover(String apiVersion) {
        // fabric8 answers null for a group-version the server does not serve (404).
        APIResourceList list = client.getApiResources(apiVersion);
        Map<String, Resource> kinds = new HashMap<>();
        if (list == null || list.getResources() == null) {
            return kinds;
        }
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        for (APIResource resource : list.getResources()) {
            // Subresources (deployments/scale) are listed with their own kind; they are not objects we apply.
            if (resource.getName().indexOf('/') < 0) {
                kinds.put(resource.getKind(), new Resource(group, version, resource.getKind(), resource.getName(),
                        Boolean.TRUE.equals(resource.getNamespaced())));
            }
        }
        return kinds;
    }
}
