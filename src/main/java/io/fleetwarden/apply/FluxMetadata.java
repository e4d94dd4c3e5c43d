package io.fleetwarden.apply;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The per-object opt-ins and opt-outs Flux reads from labels or annotations ({@code kustomize.toolkit.fluxcd.io/…}),
 * matched as Flux's {@code AnyInMetadata} does: a label or an annotation, value compared ignoring case.
 */
final class FluxMetadata {

    static final String GROUP = "kustomize.toolkit.fluxcd.io";
    static final String SSA = GROUP + "/ssa";
    static final String FORCE = GROUP + "/force";
    static final String PRUNE = GROUP + "/prune";
    static final String RECONCILE = GROUP + "/reconcile";
    static final String OWNER_NAME = GROUP + "/name";
    static final String OWNER_NAMESPACE = GROUP + "/namespace";

    private FluxMetadata() {
    }

    /** {@code ssa: Ignore} or {@code reconcile: disabled}: Flux neither applies nor prunes the object. */
    static boolean excluded(JsonNode object) {
        return has(object, SSA, "Ignore") || has(object, RECONCILE, "disabled");
    }

    static boolean ifNotPresent(JsonNode object) {
        return has(object, SSA, "IfNotPresent");
    }

    static boolean forceEnabled(JsonNode object) {
        return has(object, FORCE, "enabled");
    }

    static boolean pruneDisabled(JsonNode object) {
        return has(object, PRUNE, "disabled") || excluded(object);
    }

    static boolean has(JsonNode object, String key, String value) {
        if (object == null) {
            return false;
        }
        JsonNode metadata = object.path("metadata");
        return value.equalsIgnoreCase(metadata.path("labels").path(key).asText(""))
                || value.equalsIgnoreCase(metadata.path("annotations").path(key).asText(""));
    }
}
