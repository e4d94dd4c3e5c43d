package io.fleetwarden.reconcile.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetwarden.status.Condition;
import java.util.ArrayList;
import java.util.List;

/** Conditions to and from the JSON of a status. */
public final class ConditionsJson {

    private ConditionsJson() {
    }

    public static List<Condition> read(JsonNode status) {
        List<Condition> out = new ArrayList<>();
        for (JsonNode c : status == null ? JsonNodeFactory.instance.arrayNode() : status.path("conditions")) {
            if (c.hasNonNull("type") && c.hasNonNull("status") && c.hasNonNull("reason")) {
                out.add(new Condition(c.get("type").asText(), c.get("status").asText(), c.get("reason").asText(),
                        c.path("message").asText(""), c.path("observedGeneration").asLong(0),
                        c.path("lastTransitionTime").asText(null)));
            }
        }
        return out;
    }

    public static ArrayNode write(List<Condition> conditions) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (Condition c : conditions) {
            ObjectNode o = a.addObject();
            o.put("type", c.type());
            o.put("status", c.status());
            o.put("reason", c.reason());
            o.put("message", c.message());
            o.put("observedGeneration", c.observedGeneration());
            o.put("lastTransitionTime", c.lastTransitionTime());
        }
        return a;
    }

    public static Condition find(List<Condition> conditions, String type) {
        return conditions.stream().filter(c -> c.type().equals(type)).findFirst().orElse(null);
    }
}
