package io.fleetwarden.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Flux's apply stages (fluxcd/pkg {@code ssa.ApplyAllStaged}), each sorted in {@link FluxOrder}. */
final class Stages {

    record Desired(ObjectRef ref, ObjectNode body) {
    }

    /** {@code waitsForDefinitions}: the first stage, whose CRDs and Namespaces must be ready before the next. */
    record Stage(List<Desired> objects, boolean waitsForDefinitions) {
    }

    private static final Comparator<Desired> ORDER = Comparator.comparing(Desired::ref, FluxOrder.OBJECTS);

    private Stages() {
    }

    /** Non-empty stages in apply order; an object without apiVersion, kind or name fails the whole set. */
    static List<Stage> of(List<ObjectNode> objects) {
        List<Desired> definitions = new ArrayList<>();
        List<Desired> classes = new ArrayList<>();
        List<Desired> rest = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            ObjectNode object = objects.get(i);
            ObjectRef ref;
            try {
                ref = ObjectRef.of(object);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("object " + (i + 1) + " of " + objects.size() + ": "
                        + e.getMessage(), e);
            }
            Desired desired = new Desired(ref, object);
            if (isClusterDefinition(ref)) {
                definitions.add(desired);
            } else if (ref.kind().endsWith("Class")) {
                classes.add(desired);
            } else {
                rest.add(desired);
            }
        }
        List<Stage> stages = new ArrayList<>(3);
        add(stages, definitions, true);
        add(stages, classes, false);
        add(stages, rest, false);
        return stages;
    }

    /** As Flux's IsClusterDefinition: a CRD, a Namespace or a ClusterRole. */
    static boolean isClusterDefinition(ObjectRef ref) {
        String kind = ref.kind().toLowerCase(Locale.ROOT);
        return kind.equals("customresourcedefinition") && ref.group().equals("apiextensions.k8s.io")
                || kind.equals("namespace") && ref.apiVersion().equals("v1")
                || kind.equals("clusterrole") && ref.group().equals("rbac.authorization.k8s.io");
    }

    private static void add(List<Stage> stages, List<Desired> objects, boolean waits) {
        if (!objects.isEmpty()) {
            objects.sort(ORDER);
            stages.add(new Stage(List.copyOf(objects), waits));
        }
    }
}
