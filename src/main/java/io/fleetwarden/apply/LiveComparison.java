package io.fleetwarden.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether the live object already holds everything the desired one sets, so that applying it would change
 * nothing we own: every field we set equals the live value, lists have the same length and match element by
 * element, and what the API server added (defaults, status, other managers' fields) is ignored.
 *
 * <p>Values the API server rewrites are compared as it rewrites them: a number against a quantity string
 * ({@code cpu: 1} is stored as {@code "1"}), two quantity strings by amount ({@code 0.5} is stored as
 * {@code 500m}) except in free-form string maps (labels, annotations, ConfigMap and Secret data), a Secret's
 * {@code stringData} against its base64 {@code data}, and an empty or null value against an absent one.
 * A difference we cannot see past (e.g. a mutating webhook rewriting a field we set) only costs an apply.
 */
final class LiveComparison {

    /** Maps whose string values are data, never quantities. */
    private static final Set<String> OPAQUE = Set.of("labels", "annotations", "data", "stringData", "binaryData");
    private static final Pattern QUANTITY = Pattern.compile(
            "[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+|[numkMGTPE]|Ki|Mi|Gi|Ti|Pi|Ei)?");

    private LiveComparison() {
    }

    /** The path of the first field we set whose live value differs, or empty when the live object matches. */
    static Optional<String> firstDifference(ObjectNode desired, JsonNode live) {
        ObjectNode want = comparable(desired);
        return difference(want, live, "", false);
    }

    /** Status is not ours to apply (the status subresource ignores it); stringData is stored as data. */
    private static ObjectNode comparable(ObjectNode desired) {
        ObjectNode want = desired.deepCopy();
        want.remove("status");
        JsonNode stringData = want.remove("stringData");
        if ("Secret".equals(want.path("kind").asText()) && "v1".equals(want.path("apiVersion").asText())
                && stringData instanceof ObjectNode strings && strings.size() > 0) {
            ObjectNode data = want.has("data") && want.get("data").isObject() ? (ObjectNode) want.get("data")
                    : want.putObject("data");
            for (Iterator<Map.Entry<String, JsonNode>> it = strings.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                // stringData wins over data for the same key, as the API server merges them.
                data.put(entry.getKey(), Base64.getEncoder().encodeToString(
                        entry.getValue().asText().getBytes(StandardCharsets.UTF_8)));
            }
        }
        return want;
    }

    private static Optional<String> difference(JsonNode want, JsonNode have, String path, boolean opaque) {
        if (unset(want)) {
            return Optional.empty();
        }
        if (have == null || have.isNull() || have.isMissingNode()) {
            return Optional.of(path.isEmpty() ? "." : path);
        }
        if (want.isObject()) {
            if (!have.isObject()) {
                return Optional.of(path);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                Optional<String> inner = difference(field.getValue(), have.get(field.getKey()),
                        path + "." + field.getKey(), opaque || OPAQUE.contains(field.getKey()));
                if (inner.isPresent()) {
                    return inner;
                }
            }
            return Optional.empty();
        }
        if (want.isArray()) {
            if (!have.isArray() || have.size() != want.size()) {
                return Optional.of(path);
            }
            for (int i = 0; i < want.size(); i++) {
                Optional<String> inner = difference(want.get(i), have.get(i), path + "[" + i + "]", opaque);
                if (inner.isPresent()) {
                    return inner;
                }
            }
            return Optional.empty();
        }
        return sameScalar(want, have, opaque) ? Optional.empty() : Optional.of(path);
    }

    /** null, {} and [] in a manifest set nothing the API server keeps. */
    private static boolean unset(JsonNode want) {
        return want == null || want.isNull() || (want.isContainerNode() && want.isEmpty());
    }

    private static boolean sameScalar(JsonNode want, JsonNode have, boolean opaque) {
        if (want.isNumber() && have.isNumber()) {
            return want.decimalValue().compareTo(have.decimalValue()) == 0;
        }
        if (want.isBoolean() || have.isBoolean()) {
            return want.equals(have);
        }
        if (want.isTextual() && have.isTextual()) {
            return want.asText().equals(have.asText()) || (!opaque && sameQuantity(want.asText(), have.asText()));
        }
        if (want.isNumber() && have.isTextual()) {
            return sameQuantity(want.asText(), have.asText());
        }
        return false;
    }

    private static boolean sameQuantity(String a, String b) {
        Optional<BigDecimal> x = amount(a);
        Optional<BigDecimal> y = amount(b);
        return x.isPresent() && y.isPresent() && x.get().compareTo(y.get()) == 0;
    }

    private static Optional<BigDecimal> amount(String text) {
        if (!QUANTITY.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Quantity.getAmountInBytes(new Quantity(text)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
