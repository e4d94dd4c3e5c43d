package io.fleetwarden.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Field-by-field extraction of an AdmissionReview {@code request}, with errors that name the field. */
final class ReviewFields {

    private static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");
    // The uid is echoed back and logged: API servers send UUIDs, anything else outside this shape is refused.
    private static final Pattern UID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private ReviewFields() {
    }

    static AdmissionInput toInput(JsonNode request) throws InvalidReviewException {
        String uid = optionalText(request, "uid");
        if (uid == null || uid.isEmpty()) {
            throw missing("request.uid");
        }
        if (!UID.matcher(uid).matches()) {
            throw invalid("request.uid must be 1-128 letters, digits, '.', '_', ':' or '-'");
        }
        JsonNode kind = request.get("kind");
        if (kind == null || !kind.isObject()) {
            throw missing("request.kind");
        }
        String kindName = optionalText(kind, "kind", "request.kind.kind");
        if (kindName == null || kindName.isEmpty()) {
            throw missing("request.kind.kind");
        }
        String operation = optionalText(request, "operation");
        if (operation == null || !OPERATIONS.contains(operation)) {
            throw invalid("request.operation must be one of CREATE, UPDATE, DELETE, CONNECT");
        }
        JsonNode userInfo = request.path("userInfo");
        return new AdmissionInput(uid, operation, orEmpty(optionalText(kind, "group", "request.kind.group")),
                orEmpty(optionalText(kind, "version", "request.kind.version")), kindName,
                emptyToNull(optionalText(request, "subResource")), orEmpty(optionalText(request, "namespace")),
                orEmpty(optionalText(request, "name")), optionalObject(request, "object"),
                optionalObject(request, "oldObject"), orEmpty(optionalText(userInfo, "username", "request.userInfo.username")),
                groups(userInfo), dryRun(request));
    }

    static String clip(String text, int max) {
        if (text == null) {
            return "";
        }
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }

    private static Set<String> groups(JsonNode userInfo) throws InvalidReviewException {
        JsonNode groups = userInfo.get("groups");
        if (groups == null || groups.isNull()) {
            return Set.of();
        }
        if (!groups.isArray()) {
            throw invalid("request.userInfo.groups must be an array of strings");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode group : groups) {
            if (!group.isTextual()) {
                throw invalid("request.userInfo.groups must be an array of strings");
            }
            out.add(group.asText());
        }
        return out;
    }

    private static boolean dryRun(JsonNode request) throws InvalidReviewException {
        JsonNode dryRun = request.get("dryRun");
        if (dryRun == null || dryRun.isNull()) {
            return false;
        }
        if (!dryRun.isBoolean()) {
            throw invalid("request.dryRun must be a boolean");
        }
        return dryRun.booleanValue();
    }

    private static JsonNode optionalObject(JsonNode request, String field) throws InvalidReviewException {
        JsonNode node = request.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw invalid("request." + field + " must be a JSON object");
        }
        return node;
    }

    private static String optionalText(JsonNode parent, String field) throws InvalidReviewException {
        return optionalText(parent, field, "request." + field);
    }

    private static String optionalText(JsonNode parent, String field, String path) throws InvalidReviewException {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalid(path + " must be a string");
        }
        return node.asText();
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    private static String emptyToNull(String text) {
        return text == null || text.isEmpty() ? null : text;
    }

    private static InvalidReviewException missing(String field) {
        return new InvalidReviewException(400, "MissingField", field + " is missing");
    }

    private static InvalidReviewException invalid(String message) {
        return new InvalidReviewException(400, "InvalidField", message);
    }
}
