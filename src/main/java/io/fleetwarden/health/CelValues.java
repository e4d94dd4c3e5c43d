package io.fleetwarden.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a live object's JSON into the values CEL sees, as Flux hands cel-go an unstructured object: objects are
 * maps, arrays lists, integers that fit in 64 bits {@code int}, other numbers {@code double} (Go's JSON decoding),
 * and null {@code null_type}.
 */
final class CelValues {

    private CelValues() {
    }

    static Object of(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                node.fields().forEachRemaining(e -> map.put(e.getKey(), of(e.getValue())));
                yield map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                node.forEach(element -> list.add(of(element)));
                yield list;
            }
            case STRING -> node.textValue();
            case BOOLEAN -> node.booleanValue();
            case NUMBER -> node.isIntegralNumber() && node.canConvertToLong() ? (Object) node.longValue()
                    : (Object) node.doubleValue();
            case NULL, MISSING -> NullValue.NULL_VALUE;
            case BINARY, POJO -> node.asText();
        };
    }
}
