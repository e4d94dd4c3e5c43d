package io.fleetwarden.gate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * The Flux {@code HelmRepository} objects a chart names, and the {@code HelmChart} objects that name one: from
 * informers in the service, from the checked manifests (and {@code --cluster-state}) in the CLI. A read that
 * gets no usable answer throws {@link KubernetesApiUnavailable}; "does not exist" is an empty answer.
 */
public interface HelmRepositories {

    /** The {@code HelmRepository} {@code namespace/name} as stored; empty when there is none. */
    Optional<JsonNode> find(String namespace, String name);

    /** Every {@code HelmChart} in {@code namespace} whose {@code spec.sourceRef} names that HelmRepository. */
    List<JsonNode> chartsNaming(String namespace, String name);

    /** No repository is known (a CLI run given none). */
    static HelmRepositories none() {
        return new HelmRepositories() {
            @Override
            public Optional<JsonNode> find(String namespace, String name) {
                return Optional.empty();
            }

            @Override
            public List<JsonNode> chartsNaming(String namespace, String name) {
                return List.of();
            }
        };
    }
}
