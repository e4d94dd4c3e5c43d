package io.fleetwarden.tenancy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code spec.dependsOn[]} of a Kustomization or ResourceSet. Dependencies are read with the controller's own
 * client, not the tenant's (kustomize-controller's {@code --no-cross-namespace-refs} does not cover them), so a
 * {@code readyExpr} (CEL over the whole object) on an object in another namespace would make the controller an
 * oracle on another tenant's objects: evaluate any expression over them and report true or false. Without
 * {@code readyExpr} the built-in check only reveals whether that object exists and is ready.
 */
final class DependsOn {

    private DependsOn() {
    }

    static void check(JsonNode dependsOn, ObjectChecks c) {
        if (Json.absent(dependsOn)) {
            return;
        }
        if (!dependsOn.isArray()) {
            c.deny("depends-on.invalid", "spec.dependsOn", "must be a list");
            return;
        }
        for (int i = 0; i < dependsOn.size(); i++) {
            JsonNode d = dependsOn.get(i);
            JsonNode ns = d.path("namespace");
            boolean foreign = !Json.absent(ns) && !(ns.isTextual() && ns.asText().equals(c.namespace));
            if (foreign && !Json.absent(d.path("readyExpr"))) {
                c.deny("depends-on.foreign-expression", "spec.dependsOn[" + i + "].readyExpr", "must be omitted when "
                        + "the dependency is in another namespace (" + Json.show(ns) + "): the controller evaluates it "
                        + "with its own permissions, over another tenant's object; depend on objects in \""
                        + c.namespace + "\" or drop readyExpr");
            }
        }
    }
}
