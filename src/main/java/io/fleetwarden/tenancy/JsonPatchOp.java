package io.fleetwarden.tenancy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** One RFC 6902 operation, e.g. {@code add /spec/serviceAccountName "flux"}. */
public record JsonPatchOp(String op, String path, JsonNode value) {

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("op", op);
        n.put("path", path);
        n.set("value", value);
        return n;
    }
}
