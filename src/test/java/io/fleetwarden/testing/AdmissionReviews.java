package io.fleetwarden.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Builds {@code admission.k8s.io/v1} AdmissionReview request documents as the API server sends them.
 * <pre>{@code
 * String json = AdmissionReviews.create("source.toolkit.fluxcd.io/v1beta2", "OCIRepository")
 *         .namespace("team-a").name("app").object(objectJson).user("alice", "system:authenticated").json();
 * }</pre>
 */
public final class AdmissionReviews {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String operation;
    private final String apiVersion;
    private final String kind;
    private String uid = UUID.randomUUID().toString();
    private String resource;
    private String namespace;
    private String name;
    private String subResource;
    private JsonNode object;
    private JsonNode oldObject;
    private String username = "kubernetes-admin";
    private List<String> groups = List.of("system:masters", "system:authenticated");
    private boolean dryRun;

    private AdmissionReviews(String operation, String apiVersion, String kind) {
        this.operation = operation;
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.resource = kind.toLowerCase(Locale.ROOT) + "s";
    }

    public static AdmissionReviews create(String apiVersion, String kind) {
        return new AdmissionReviews("CREATE", apiVersion, kind);
    }

    public static AdmissionReviews update(String apiVersion, String kind) {
        return new AdmissionReviews("UPDATE", apiVersion, kind);
    }

    public static AdmissionReviews delete(String apiVersion, String kind) {
        return new AdmissionReviews("DELETE", apiVersion, kind);
    }

    public AdmissionReviews uid(String value) {
        uid = value;
        return this;
    }

    /** The plural resource name; defaults to the lowercased kind plus "s". */
    public AdmissionReviews resource(String value) {
        resource = value;
        return this;
    }

    public AdmissionReviews namespace(String value) {
        namespace = value;
        return this;
    }

    public AdmissionReviews name(String value) {
        name = value;
        return this;
    }

    public AdmissionReviews subResource(String value) {
        subResource = value;
        return this;
    }

    public AdmissionReviews object(String json) {
        object = parse(json);
        return this;
    }

    public AdmissionReviews oldObject(String json) {
        oldObject = parse(json);
        return this;
    }

    public AdmissionReviews user(String name, String... memberOf) {
        username = name;
        groups = List.of(memberOf);
        return this;
    }

    public AdmissionReviews dryRun(boolean value) {
        dryRun = value;
        return this;
    }

    public String uid() {
        return uid;
    }

    public ObjectNode tree() {
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", "admission.k8s.io/v1");
        review.put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request");
        request.put("uid", uid);
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        for (String field : List.of("kind", "requestKind")) {
            request.putObject(field).put("group", group).put("version", version).put("kind", kind);
        }
        for (String field : List.of("resource", "requestResource")) {
            request.putObject(field).put("group", group).put("version", version).put("resource", resource);
        }
        if (subResource != null) {
            request.put("subResource", subResource).put("requestSubResource", subResource);
        }
        if (name != null) {
            request.put("name", name);
        }
        if (namespace != null) {
            request.put("namespace", namespace);
        }
        request.put("operation", operation);
        ObjectNode userInfo = request.putObject("userInfo");
        userInfo.put("username", username).put("uid", UUID.nameUUIDFromBytes(username.getBytes()).toString());
        groups.forEach(userInfo.putArray("groups")::add);
        request.set("object", object == null ? JSON.nullNode() : object);
        request.set("oldObject", oldObject == null ? JSON.nullNode() : oldObject);
        request.put("dryRun", dryRun);
        ObjectNode options = request.putObject("options");
        options.put("apiVersion", "meta.k8s.io/v1").put("kind", operation.equals("CREATE") ? "CreateOptions"
                : operation.equals("UPDATE") ? "UpdateOptions" : "DeleteOptions");
        return review;
    }

    public String json() {
        return tree().toString();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
