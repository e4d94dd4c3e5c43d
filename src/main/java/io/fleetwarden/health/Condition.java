package io.fleetwarden.health;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One entry of {@code status.conditions}, reduced to the fields kstatus reads. Absent or null fields are "" as in Go.
 */
record Condition(String type, String status, String reason, String message) {

    /**
     * The object's conditions, decoded as kstatus' {@code GetObjectWithConditions} does: {@code status} and
     * {@code status.conditions} may be absent or null (no conditions), but a {@code status} that is not an object, a
     * {@code conditions} that is not an array, an entry that is not an object or a non-string field is an error.
     */
    static List<Condition> of(JsonNode object) {
        JsonNode status = ObjectFields.at(object, "status");
        if (status.isMissingNode() || status.isNull()) {
            return List.of();
        }
        if (!status.isObject()) {
            throw new MalformedObjectException("status is " + ObjectFields.describe(status) + ", expected an object");
        }
        JsonNode conditions = status.path("conditions");
        if (conditions.isMissingNode() || conditions.isNull()) {
            return List.of();
        }
        if (!conditions.isArray()) {
            throw new MalformedObjectException("status.conditions is " + ObjectFields.describe(conditions)
                    + ", expected an array");
        }
        List<Condition> out = new ArrayList<>(conditions.size());
        for (int i = 0; i < conditions.size(); i++) {
            JsonNode entry = conditions.get(i);
            if (entry.isNull()) {
                out.add(new Condition("", "", "", ""));
                continue;
            }
            if (!entry.isObject()) {
                throw new MalformedObjectException("status.conditions[" + i + "] is " + ObjectFields.describe(entry)
                        + ", expected an object");
            }
            out.add(new Condition(text(entry, i, "type"), text(entry, i, "status"), text(entry, i, "reason"),
                    text(entry, i, "message")));
        }
        return out;
    }

    /** The first condition of that type with that status, as kstatus' {@code getConditionWithStatus}. */
    static Optional<Condition> find(List<Condition> conditions, String type, String status) {
        return conditions.stream().filter(c -> c.type.equals(type) && c.status.equals(status)).findFirst();
    }

    boolean is(String type, String status) {
        return this.type.equals(type) && this.status.equals(status);
    }

    private static String text(JsonNode entry, int index, String field) {
        JsonNode value = entry.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw new MalformedObjectException("status.conditions[" + index + "]." + field + " is "
                    + ObjectFields.describe(value) + ", expected a string");
        }
        return value.textValue();
    }
}
