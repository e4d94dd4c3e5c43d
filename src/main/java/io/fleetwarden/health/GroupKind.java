package io.fleetwarden.health;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An API group and kind, derived from {@code apiVersion} the way apimachinery's {@code FromAPIVersionAndKind} does:
 * "v1" is the core group, "apps/v1" the group "apps", and a malformed apiVersion (two slashes) also gives the core
 * group.
 */
public record GroupKind(String group, String kind) {

    public static GroupKind of(String apiVersion, String kind) {
        String group = "";
        if (apiVersion != null) {
            int slash = apiVersion.indexOf('/');
            if (slash >= 0 && apiVersion.indexOf('/', slash + 1) < 0) {
                group = apiVersion.substring(0, slash);
            }
        }
        return new GroupKind(group, kind == null ? "" : kind);
    }

    public static GroupKind of(JsonNode object) {
        return of(ObjectFields.stringField(object, "", "apiVersion"), ObjectFields.stringField(object, "", "kind"));
    }

    /** {@code Kind.group}, or {@code Kind} for the core group, as {@code schema.GroupKind.String()}. */
    @Override
    public String toString() {
        return group.isEmpty() ? kind : kind + "." + group;
    }
}
