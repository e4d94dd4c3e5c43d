package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.tenancy.NamespaceLabels;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Namespace labels the tenancy rules look up offline: from {@code --cluster-state}, then from Namespaces
 * in the checked manifests themselves (a pull request may add a tenant and its objects together).
 */
final class ClusterState implements NamespaceLabels {

    private final Map<String, Map<String, String>> labels = new HashMap<>();

    static ClusterState of(List<ManifestReader.Manifest> state, List<ManifestReader.Manifest> checked) {
        ClusterState s = new ClusterState();
        s.add(state);
        s.add(checked);
        return s;
    }

    private void add(List<ManifestReader.Manifest> manifests) {
        for (ManifestReader.Manifest m : manifests) {
            JsonNode o = m.object();
            if (!"Namespace".equals(o.path("kind").asText()) || !"v1".equals(o.path("apiVersion").asText())) {
                continue;
            }
            Map<String, String> l = new HashMap<>();
            o.path("metadata").path("labels").fields().forEachRemaining(e -> l.put(e.getKey(), e.getValue().asText()));
            labels.put(o.path("metadata").path("name").asText(), Map.copyOf(l));
        }
    }

    @Override
    public Optional<Map<String, String>> labelsOf(String namespace) {
        return Optional.ofNullable(labels.get(namespace));
    }
}
