package io.fleetwarden.tenancy;

import com.fasterxml.jackson.databind.JsonNode;

/** Small helpers over Jackson trees; a JSON null counts as absent, as the API server prunes it. */
final class Json {

    private Json() {
    }

    static boolean absent(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull();
    }

    /** For messages: the value as JSON, bounded. */
    static String show(JsonNode n) {
        if (absent(n)) {
            return "nothing";
        }
        return n.isTextual() ? Names.quote(n.asText()) : Names.quote(n.toString());
    }
}
