package io.fleetwarden.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.OptionalLong;

/**
 * Reads fields of a live object the two ways kstatus does. The lenient readers ({@code GetIntField} and friends)
 * fall back to a default when the field is missing, of another type, or below a non-object; the strict ones
 * ({@code unstructured.NestedInt64}) tell "absent" from "present with the wrong type", and the latter is an error.
 */
final class ObjectFields {

    private ObjectFields() {
    }

    /** The node at {@code path}, or a missing node when a step is absent or not an object. */
    static JsonNode at(JsonNode object, String... path) {
        JsonNode node = object;
        for (String step : path) {
            if (node == null || !node.isObject()) {
                return MissingNode.getInstance();
            }
            node = node.get(step);
        }
        return node == null ? MissingNode.getInstance() : node;
    }

    /** An integer field; kstatus accepts only JSON integers that fit in 64 bits (Go decodes others as float64). */
    static long intField(JsonNode object, long defaultValue, String... path) {
        JsonNode node = at(object, path);
        return isInt64(node) ? node.longValue() : defaultValue;
    }

    static String stringField(JsonNode object, String defaultValue, String... path) {
        JsonNode node = at(object, path);
        return node.isTextual() ? node.textValue() : defaultValue;
    }

    static boolean boolField(JsonNode object, boolean defaultValue, String... path) {
        JsonNode node = at(object, path);
        return node.isBoolean() ? node.booleanValue() : defaultValue;
    }

    /** Strict: empty when absent; a {@link MalformedObjectException} when present (even null) but not an integer. */
    static OptionalLong strictInt(JsonNode object, String... path) {
        JsonNode node = strictAt(object, path);
        if (node.isMissingNode()) {
            return OptionalLong.empty();
        }
        if (!isInt64(node)) {
            throw new MalformedObjectException(String.join(".", path) + " is " + describe(node)
                    + ", expected an integer");
        }
        return OptionalLong.of(node.longValue());
    }

    /** Strict: null when absent; a {@link MalformedObjectException} when present but not a string. */
    static String strictString(JsonNode object, String... path) {
        JsonNode node = strictAt(object, path);
        if (node.isMissingNode()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new MalformedObjectException(String.join(".", path) + " is " + describe(node) + ", expected a string");
        }
        return node.textValue();
    }

    /** Like {@link #at} but a non-object on the way is an error, as in {@code unstructured.NestedFieldNoCopy}. */
    private static JsonNode strictAt(JsonNode object, String... path) {
        JsonNode node = object;
        for (int i = 0; i < path.length; i++) {
            if (!node.isObject()) {
                String parent = i == 0 ? "the object" : String.join(".", java.util.Arrays.copyOf(path, i));
                throw new MalformedObjectException(parent + " is " + describe(node) + ", expected an object (reading "
                        + String.join(".", path) + ")");
            }
            JsonNode next = node.get(path[i]);
            if (next == null) {
                return MissingNode.getInstance();
            }
            node = next;
        }
        return node;
    }

    private static boolean isInt64(JsonNode node) {
        return node.isIntegralNumber() && node.canConvertToLong();
    }

    /** "a string", "null", "an array"... for error messages. */
    static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> node.isIntegralNumber() ? "an integer out of the 64-bit range" : "a number with a fraction";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case BINARY -> "binary";
            case MISSING -> "missing";
        };
    }
}
