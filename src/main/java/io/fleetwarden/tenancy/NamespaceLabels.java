package io.fleetwarden.tenancy;

import java.util.Map;
import java.util.Optional;

/**
 * The labels of a namespace as the cluster has them now (an informer cache in the webhook). Empty when the
 * namespace does not exist (the API server said so); the rules then deny rather than guess whether it is a
 * tenant. When the API server cannot be asked, {@link #labelsOf} throws {@link ClusterUnavailable} instead: an
 * outage is not an answer about the namespace.
 */
@FunctionalInterface
public interface NamespaceLabels {

    /** @throws ClusterUnavailable when the labels could not be read */
    Optional<Map<String, String>> labelsOf(String namespace);
}
