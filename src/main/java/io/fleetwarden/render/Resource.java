package io.fleetwarden.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One object being built, with what kustomize remembers about it besides its YAML: the ids it had before
 * prefixes, suffixes, namespaces and hashes changed them (patches and name references still find it by
 * those), the prefixes and suffixes applied (to choose among same-named referral candidates), and whether a
 * generator asked for a content-hash name suffix.
 */
final class Resource {

    private ObjectNode object;
    private final String origin;
    private final List<ResId> previousIds = new ArrayList<>();
    private final List<String> prefixes = new ArrayList<>();
    private final List<String> suffixes = new ArrayList<>();
    private boolean needsHash;
    private String behavior = "create";

    Resource(ObjectNode object, String origin) {
        this.object = object;
        this.origin = origin;
    }

    ObjectNode object() {
        return object;
    }

    void replaceObject(ObjectNode replacement) {
        this.object = replacement;
    }

    String origin() {
        return origin;
    }

    String kind() {
        return object.path("kind").asText("");
    }

    String name() {
        return object.path("metadata").path("name").asText("");
    }

    String namespace() {
        return object.path("metadata").path("namespace").asText("");
    }

    ResId curId() {
        return ResId.of(object.path("apiVersion").asText(""), kind(), name(), namespace());
    }

    ResId orgId() {
        return previousIds.isEmpty() ? curId() : previousIds.get(0);
    }

    /** Every id this resource has had, the current one last. */
    List<ResId> allIds() {
        List<ResId> all = new ArrayList<>(previousIds);
        all.add(curId());
        return all;
    }

    boolean hasId(ResId id) {
        return allIds().stream().anyMatch(id::matches);
    }

    void setName(String name) {
        remember();
        metadata().put("name", name);
    }

    void setNamespace(String namespace) {
        remember();
        metadata().put("namespace", namespace);
    }

    /** Records the current id before a change of name or namespace (kustomize's previousNames annotation). */
    void remember() {
        ResId cur = curId();
        if (previousIds.isEmpty() || !previousIds.get(previousIds.size() - 1).equals(cur)) {
            previousIds.add(cur);
        }
    }

    ObjectNode metadata() {
        JsonNode m = object.get("metadata");
        if (m instanceof ObjectNode o) {
            return o;
        }
        return object.putObject("metadata");
    }

    void addPrefix(String p) {
        prefixes.add(p);
    }

    void addSuffix(String s) {
        suffixes.add(s);
    }

    List<String> prefixes() {
        return prefixes;
    }

    List<String> suffixes() {
        return suffixes;
    }

    boolean needsHash() {
        return needsHash;
    }

    void needsHash(boolean b) {
        this.needsHash = b;
    }

    String behavior() {
        return behavior;
    }

    void behavior(String b) {
        this.behavior = b;
    }

    Resource copyHistoryFrom(Resource other) {
        previousIds.addAll(other.previousIds);
        prefixes.addAll(other.prefixes);
        suffixes.addAll(other.suffixes);
        return this;
    }
}
