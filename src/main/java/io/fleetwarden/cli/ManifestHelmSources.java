package io.fleetwarden.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetwarden.gate.HelmRepositories;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HelmRepositories and HelmCharts check knows: those of {@code --cluster-state}, then those of the checked
 * manifests (and of what their ResourceSets create), a checked one replacing the cluster's of the same name as
 * applying it would. Objects naming no namespace are in check's {@code --namespace}.
 */
final class ManifestHelmSources implements HelmRepositories {

    private final Map<String, JsonNode> repositories = new LinkedHashMap<>();
    private final Map<String, JsonNode> charts = new LinkedHashMap<>();

    ManifestHelmSources(List<JsonNode> clusterState, List<JsonNode> checked, String defaultNamespace) {
        List<JsonNode> all = new ArrayList<>(clusterState);
        all.addAll(checked);
        for (JsonNode o : all) {
            String kind = o.path("kind").asText();
            if (!o.path("apiVersion").asText().startsWith("source.toolkit.fluxcd.io/")) {
                continue;
            }
            String key = o.path("metadata").path("namespace").asText(defaultNamespace) + "/"
                    + o.path("metadata").path("name").asText();
            if (kind.equals("HelmRepository")) {
                repositories.put(key, o);
            } else if (kind.equals("HelmChart")) {
                charts.put(key, o);
            }
        }
    }

    @Override
    public Optional<JsonNode> find(String namespace, String name) {
        return Optional.ofNullable(repositories.get(namespace + "/" + name));
    }

    @Override
    public List<JsonNode> chartsNaming(String namespace, String name) {
        return charts.entrySet().stream().filter(e -> e.getKey().startsWith(namespace + "/"))
                .map(Map.Entry::getValue)
                .filter(c -> "HelmRepository".equals(c.at("/spec/sourceRef/kind").asText())
                        && name.equals(c.at("/spec/sourceRef/name").asText()))
                .toList();
    }
}
