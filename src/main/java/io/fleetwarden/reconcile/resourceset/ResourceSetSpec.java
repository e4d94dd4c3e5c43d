package io.fleetwarden.reconcile.resourceset;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.reconcile.FluxDurations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the reconciler reads from a ResourceSet besides its templates (those are the renderer's): who it runs as,
 * whether it waits, what it depends on, and the Flux Operator annotations that steer it. The annotation values are
 * validated here, so a typo (say {@code reconcileEvery: 5 minutes}) stalls the ResourceSet with a message naming
 * the annotation instead of silently running at the default.
 */
record ResourceSetSpec(String serviceAccountName, boolean waitAll, List<Dependency> dependsOn, boolean disabled,
        boolean force, Duration interval, Duration timeout) {

    static final String GROUP = "fluxcd.controlplane.io";
    static final String RECONCILE = GROUP + "/reconcile";
    static final String RECONCILE_EVERY = GROUP + "/reconcileEvery";
    static final String RECONCILE_TIMEOUT = GROUP + "/reconcileTimeout";
    static final String FORCE = GROUP + "/force";
    static final String PRUNE = GROUP + "/prune";
    static final String COPY_FROM = GROUP + "/copyFrom";
    static final String FINALIZER = GROUP + "/finalizer";

    /** Flux Operator's defaults: reconciled every hour, each reconcile bounded by five minutes. */
    static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    /** One {@code spec.dependsOn} entry: any object, by apiVersion, kind, name and (optional) namespace. */
    record Dependency(String apiVersion, String kind, String name, String namespace, boolean ready, String readyExpr) {

        /** As Flux Operator names a dependency in messages: {@code apiVersion/Kind/namespace/name}. */
        String describe() {
            return apiVersion + "/" + kind + "/" + (namespace.isEmpty() ? "" : namespace + "/") + name;
        }

        String group() {
            int slash = apiVersion.indexOf('/');
            return slash < 0 ? "" : apiVersion.substring(0, slash);
        }
    }

    /** @throws IllegalArgumentException naming the field or annotation at fault */
    static ResourceSetSpec of(JsonNode resourceSet) {
        JsonNode spec = resourceSet.path("spec");
        JsonNode annotations = resourceSet.path("metadata").path("annotations");
        List<Dependency> deps = new ArrayList<>();
        int i = 0;
        for (JsonNode d : spec.path("dependsOn")) {
            String where = "spec.dependsOn[" + i++ + "]";
            deps.add(new Dependency(required(d, "apiVersion", where), required(d, "kind", where),
                    required(d, "name", where), d.path("namespace").asText(""), d.path("ready").asBoolean(false),
                    d.path("readyExpr").asText("")));
        }
        String sa = spec.path("serviceAccountName").asText("");
        return new ResourceSetSpec(sa.isEmpty() ? null : sa, spec.path("wait").asBoolean(false), deps,
                "disabled".equalsIgnoreCase(annotations.path(RECONCILE).asText("")),
                "enabled".equalsIgnoreCase(annotations.path(FORCE).asText("")),
                duration(annotations, RECONCILE_EVERY, DEFAULT_INTERVAL),
                duration(annotations, RECONCILE_TIMEOUT, DEFAULT_TIMEOUT));
    }

    /** What deleting a ResourceSet needs, read leniently: an invalid timeout is the default, never a stuck finalizer. */
    record Deletion(String serviceAccountName, boolean disabled, Duration timeout) {
    }

    static Deletion deletion(JsonNode resourceSet) {
        JsonNode annotations = resourceSet.path("metadata").path("annotations");
        String sa = resourceSet.path("spec").path("serviceAccountName").asText("");
        Duration timeout;
        try {
            timeout = duration(annotations, RECONCILE_TIMEOUT, DEFAULT_TIMEOUT);
        } catch (IllegalArgumentException e) {
            timeout = DEFAULT_TIMEOUT;
        }
        return new Deletion(sa.isEmpty() ? null : sa, "disabled".equalsIgnoreCase(annotations.path(RECONCILE).asText("")),
                timeout);
    }

    private static Duration duration(JsonNode annotations, String key, Duration dflt) {
        String text = annotations.path(key).asText("");
        if (text.isEmpty()) {
            return dflt;
        }
        Duration d = FluxDurations.parse(text, "annotation " + key);
        if (d.isZero()) {
            throw new IllegalArgumentException("annotation " + key + ": \"" + text + "\" must be above zero");
        }
        return d;
    }

    private static String required(JsonNode node, String field, String where) {
        String v = node.path(field).asText("");
        if (v.isEmpty()) {
            throw new IllegalArgumentException(where + "." + field + " is required");
        }
        return v;
    }
}
