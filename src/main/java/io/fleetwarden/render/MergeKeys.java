package io.fleetwarden.render;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The strategic-merge keys kustomize takes from its embedded Kubernetes OpenAPI for built-in kinds: a list
 * field with a key merges element by element, a {@code ""} key merges a list of scalars as a set, and every
 * other list is replaced. Custom kinds have no schema in kustomize, so all their lists are replaced
 * ({@link #forField} returns null for them): a patch to a HelmRelease's values replaces lists wholesale.
 */
final class MergeKeys {

    /** API groups of the built-in kinds kustomize has a schema for. */
    private static final Set<String> BUILT_IN_GROUPS = Set.of("", "apps", "batch", "autoscaling", "policy",
            "networking.k8s.io", "rbac.authorization.k8s.io", "storage.k8s.io", "scheduling.k8s.io",
            "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
            "coordination.k8s.io", "certificates.k8s.io", "discovery.k8s.io", "node.k8s.io", "events.k8s.io",
            "extensions");

    private static final Map<String, String> BY_FIELD = Map.ofEntries(
            Map.entry("containers", "name"), Map.entry("initContainers", "name"),
            Map.entry("ephemeralContainers", "name"), Map.entry("env", "name"), Map.entry("volumes", "name"),
            Map.entry("volumeMounts", "mountPath"), Map.entry("volumeDevices", "devicePath"),
            Map.entry("imagePullSecrets", "name"), Map.entry("hostAliases", "ip"),
            Map.entry("ownerReferences", "uid"), Map.entry("conditions", "type"), Map.entry("finalizers", ""));

    private MergeKeys() {
    }

    /**
     * The merge keys of the list at {@code path} (field names from the object's root) in an object of this
     * id: one key, several (the schema's list-map keys: ports by port and protocol, topology spread constraints
     * by topology key and when-unsatisfiable), {@code [""]} for a set of scalars, or null when the list is
     * replaced. kustomize's schema is Kubernetes 1.21's, so newer list fields (resizePolicy, resourceClaims,
     * schedulingGates) are replaced.
     */
    static List<String> forField(ResId id, List<String> path) {
        if (!BUILT_IN_GROUPS.contains(id.group()) || path.isEmpty()) {
            return null;
        }
        String field = path.get(path.size() - 1);
        if (field.equals("ports")) {
            if (id.kind().equals("Service") && path.equals(List.of("spec", "ports"))) {
                return List.of("port", "protocol");
            }
            String parent = path.size() >= 2 ? path.get(path.size() - 2) : "";
            return parent.equals("containers") || parent.equals("initContainers")
                    ? List.of("containerPort", "protocol") : null;
        }
        if (field.equals("topologySpreadConstraints")) {
            return List.of("topologyKey", "whenUnsatisfiable");
        }
        if (field.equals("finalizers") && !(path.size() == 2 && path.get(0).equals("metadata"))) {
            return null;
        }
        String key = BY_FIELD.get(field);
        return key == null ? null : List.of(key);
    }
}
