package io.fleetwarden.apply;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One Kubernetes object by identity: group (empty for core), version, kind, namespace (empty when
 * cluster-scoped) and name.
 *
 * <p>{@link #inventoryId()} is the id Flux writes in {@code status.inventory} (cli-utils' {@code ObjMetadata}):
 * {@code <namespace>_<name>_<group>_<kind>}; the version is kept beside it, not in it, so an API version bump of
 * the same object is not "a different object" and is never pruned.
 */
public record ObjectRef(String group, String version, String kind, String namespace, String name) {

    private static final String RBAC_GROUP = "rbac.authorization.k8s.io";

    public ObjectRef {
        group = group == null ? "" : group;
        namespace = namespace == null ? "" : namespace;
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }

    /** The identity of a manifest, from its {@code apiVersion}, {@code kind} and {@code metadata}. */
    public static ObjectRef of(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText("");
        String kind = object.path("kind").asText("");
        String name = object.path("metadata").path("name").asText("");
        if (apiVersion.isEmpty() || kind.isEmpty() || name.isEmpty()) {
            throw new IllegalArgumentException("an object needs apiVersion, kind and metadata.name; got apiVersion '"
                    + apiVersion + "', kind '" + kind + "', name '" + name + "'");
        }
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return new ObjectRef(group, version, kind, object.path("metadata").path("namespace").asText(""), name);
    }

    /**
     * Parses an inventory id as cli-utils does: the namespace up to the first {@code _}, the kind after the last,
     * the group after the one before it, and the name in between with {@code __} read back as {@code :}.
     */
    public static ObjectRef fromInventory(String id, String version) {
        int first = id.indexOf('_');
        int last = id.lastIndexOf('_');
        int beforeLast = last <= first ? -1 : id.lastIndexOf('_', last - 1);
        if (first < 0 || beforeLast <= first) {
            throw new IllegalArgumentException("inventory id '" + id
                    + "' is not <namespace>_<name>_<group>_<kind>");
        }
        String name = id.substring(first + 1, beforeLast).replace("__", ":");
        return new ObjectRef(id.substring(beforeLast + 1, last), version, id.substring(last + 1),
                id.substring(0, first), name);
    }

    /** Flux's inventory id; RBAC names may hold {@code :}, which cli-utils writes as {@code __}. */
    public String inventoryId() {
        String idName = RBAC_GROUP.equals(group) && isRbacKind() ? name.replace(":", "__") : name;
        return namespace + "_" + idName + "_" + group + "_" + kind;
    }

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public boolean clusterScoped() {
        return namespace.isEmpty();
    }

    /** The same object without its namespace (a cluster-scoped kind carrying a namespace it cannot have). */
    ObjectRef withoutNamespace() {
        return new ObjectRef(group, version, kind, "", name);
    }

    /** {@code Kind namespace/name} or {@code Kind name}, as the messages name objects. */
    @Override
    public String toString() {
        return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
    }

    private boolean isRbacKind() {
        return switch (kind) {
            case "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding" -> true;
            default -> false;
        };
    }
}
