package io.fleetwarden.apply;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order Flux's {@code ssa.SortableUnstructureds} gives objects: a fixed list of kinds first (definitions,
 * then what others refer to), webhooks last, every other kind in between; ties by group, kind, namespace, name.
 * Within a stage objects are applied in this order, the inventory lists them in it, and pruning goes in reverse.
 */
final class FluxOrder {

    private static final List<String> FIRST = List.of("CustomResourceDefinition", "Namespace", "ClusterRole",
            "ClusterClass", "RuntimeClass", "PriorityClass", "StorageClass", "VolumeSnapshotClass", "IngressClass",
            "GatewayClass", "ClusterRoleBinding", "ResourceQuota", "ServiceAccount", "Role", "RoleBinding",
            "ConfigMap", "Secret", "Service", "LimitRange", "Deployment", "StatefulSet", "CronJob",
            "PodDisruptionBudget");
    private static final List<String> LAST = List.of("MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration");
    private static final Map<String, Integer> RANK = ranks();

    static final Comparator<ObjectRef> OBJECTS = Comparator.<ObjectRef>comparingInt(r -> rank(r.kind()))
            .thenComparing(ObjectRef::group)
            .thenComparing(ObjectRef::kind)
            .thenComparing(ObjectRef::namespace)
            .thenComparing(ObjectRef::name);

    private FluxOrder() {
    }

    static int rank(String kind) {
        return RANK.getOrDefault(kind, 0);
    }

    private static Map<String, Integer> ranks() {
        Map<String, Integer> ranks = new HashMap<>();
        for (int i = 0; i < FIRST.size(); i++) {
            ranks.put(FIRST.get(i), i - FIRST.size());
        }
        for (int i = 0; i < LAST.size(); i++) {
            ranks.put(LAST.get(i), i + 1);
        }
        return Map.copyOf(ranks);
    }
}
