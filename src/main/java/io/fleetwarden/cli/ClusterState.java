package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.tenancy.NamespaceLabels;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Namespaces the tenancy rules and policy selectors look at offline. Those of {@code --cluster-state} exist:
 * a checked manifest of the same Namespace is an UPDATE of it, judged against it, and its labels only count once
 * that update would be admitted ({@link #withApplied}). A Namespace only in the checked manifests is a CREATE (a
 * pull request may add a tenant and its objects together), whose labels count once admitted.
 */
final class ClusterState implements NamespaceLabels {

    private final Map<String, JsonNode> namespaces;

    private ClusterState(Map<String, JsonNode> namespaces) {
        this.namespaces = Map.copyOf(namespaces);
    }

    static ClusterState of(List<ManifestReader.Manifest> state) {
        Map<String, JsonNode> byName = new HashMap<>();
        for (ManifestReader.Manifest m : state) {
            if (isNamespace(m.object()) && m.object().path("metadata").path("name").isTextual()) {
                byName.put(m.object().path("metadata").path("name").asText(), m.object());
            }
        }
        return new ClusterState(byName);
    }

    /** This state after the given Namespace objects (judged admissible) were applied. */
    ClusterState withApplied(List<JsonNode> admitted) {
        Map<String, JsonNode> byName = new HashMap<>(namespaces);
        admitted.forEach(o -> byName.put(o.path("metadata").path("name").asText(), o));
        return new ClusterState(byName);
    }

    static boolean isNamespace(JsonNode o) {
        return "Namespace".equals(o.path("kind").asText()) && "v1".equals(o.path("apiVersion").asText());
    }

    /** The Namespace as it is in the cluster, when it exists there. */
    Optional<JsonNode> namespace(String name) {
        return Optional.ofNullable(namespaces.get(name));
    }

    @Override
    public Optional<Map<String, String>> labelsOf(String namespace) {
        JsonNode o = namespaces.get(namespace);
        if (o == null) {
            return Optional.empty();
        }
        Map<String, String> l = new HashMap<>();
        o.path("metadata").path("labels").fields().forEachRemaining(e -> l.put(e.getKey(), e.getValue().asText()));
        return Optional.of(Map.copyOf(l));
    }
}
